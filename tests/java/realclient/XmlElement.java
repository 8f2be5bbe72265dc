package realclient;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One element the server sent, as the StAX reader in XmppStream built it: enough to assert on. */
final class XmlElement {
    final String name;
    final String namespace;
    final Map<String, String> attributes = new LinkedHashMap<>();
    final List<XmlElement> children = new ArrayList<>();
    final StringBuilder text = new StringBuilder();

    XmlElement(String name, String namespace) {
        this.name = name;
        this.namespace = namespace == null ? "" : namespace;
    }

    boolean is(String name, String namespace) {
        return this.name.equals(name) && this.namespace.equals(namespace);
    }

    String attribute(String name) {
        return attributes.get(name);
    }

    /** The first child with this name and namespace, or null. */
    XmlElement child(String name, String namespace) {
        for (XmlElement child : children) {
            if (child.is(name, namespace)) return child;
        }
        return null;
    }

    List<XmlElement> children(String name, String namespace) {
        List<XmlElement> found = new ArrayList<>();
        for (XmlElement child : children) {
            if (child.is(name, namespace)) found.add(child);
        }
        return found;
    }

    String text() {
        return text.toString();
    }

    /** Re-serialised for the transcript (namespaces written where they change). */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        write(out, null);
        return out.toString();
    }

    private void write(StringBuilder out, String parentNamespace) {
        out.append('<').append(name);
        if (!namespace.equals(parentNamespace))
            out.append(" xmlns='").append(Xml.escape(namespace)).append('\'');
        for (Map.Entry<String, String> attribute : attributes.entrySet()) {
            out.append(' ')
                    .append(attribute.getKey())
                    .append("='")
                    .append(Xml.escape(attribute.getValue()))
                    .append('\'');
        }
        if (children.isEmpty() && text.length() == 0) {
            out.append("/>");
            return;
        }
        out.append('>').append(Xml.escape(text.toString()));
        for (XmlElement child : children) child.write(out, namespace);
        out.append("</").append(name).append('>');
    }
}
