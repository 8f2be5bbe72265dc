package realclient;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * XEP-0004 data forms as Smack 4.3 writes a submitted form (Form.getDataFormToSend() then
 * DataForm/FormField.toXML(): label, var and type attributes, one value each) and as the
 * client reads the server's forms (FormField.getFirstValue() by variable name).
 */
final class DataForms {
    static final String NS_DATA = "jabber:x:data";

    private DataForms() {}

    static String field(String label, String var, String type, String value) {
        StringBuilder out = new StringBuilder("<field");
        if (label != null) out.append(" label='").append(Xml.escape(label)).append('\'');
        out.append(" var='")
                .append(Xml.escape(var))
                .append("' type='")
                .append(type)
                .append("'><value>")
                .append(Xml.escape(value))
                .append("</value></field>");
        return out.toString();
    }

    static String submit(String... fields) {
        return "<x xmlns='" + NS_DATA + "' type='submit'>" + String.join("", fields) + "</x>";
    }

    /** var → first value (null when the field has none), in document order. */
    static Map<String, String> firstValues(XmlElement form) {
        Map<String, String> values = new LinkedHashMap<>();
        for (XmlElement field : form.children("field", NS_DATA)) {
            XmlElement value = field.child("value", NS_DATA);
            values.put(field.attribute("var"), value == null ? null : value.text());
        }
        return values;
    }
}
