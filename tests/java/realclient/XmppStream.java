package realclient;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;

/**
 * One c2s connection, written the way Smack 4.3's XMPPTCPConnection (the client's copy in
 * app/src/main/java/org/kontalk/client/smack/XMPPTCPConnection.java) writes it, and read strictly
 * with the JDK's StAX parser over the socket: every top-level element the server sends is parsed
 * into an XmlElement, a stream error or the end of the stream is a failure.
 */
final class XmppStream implements AutoCloseable {
    static final String NS_STREAMS = "http://etherx.jabber.org/streams";
    static final String NS_TLS = "urn:ietf:params:xml:ns:xmpp-tls";
    static final String NS_SM = "urn:xmpp:sm:3";

    /** KontalkConnection.DEFAULT_PACKET_TIMEOUT: the client gives up on any answer after 15 s. */
    private static final int REPLY_TIMEOUT_MS = 15_000;
    private static final String ID_ALPHABET =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String domain;
    private final XMLInputFactory xmlFactory;
    private final String idPrefix;
    private int idCounter;
    private Socket socket;
    private WatchedInput in;
    private OutputStream out;
    private XMLStreamReader reader;
    private String streamId;
    private boolean ackRequestsAnswered;
    private long stanzasHandled;

    private XmppStream(String domain) {
        this.domain = domain;
        this.xmlFactory = XMLInputFactory.newFactory();
        xmlFactory.setProperty(XMLInputFactory.IS_NAMESPACE_AWARE, true);
        xmlFactory.setProperty(XMLInputFactory.IS_COALESCING, true);
        xmlFactory.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        xmlFactory.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        this.idPrefix = random(5);
    }

    static XmppStream connect(String host, int port, String domain) throws IOException {
        XmppStream stream = new XmppStream(domain);
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), REPLY_TIMEOUT_MS);
        socket.setSoTimeout(REPLY_TIMEOUT_MS);
        stream.use(socket);
        Transcript.note("TCP connected to " + host + ":" + port);
        return stream;
    }

    private void use(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new WatchedInput(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * Smack's openStream(): StreamOpen(to=service domain, from=null because the configuration has
     * no username (KontalkConnection: allowEmptyOrNullUsernames), id=the id of the server's
     * previous stream once there is one, xml:lang='en'). Returns the server's stream features.
     */
    XmlElement open() throws IOException {
        StringBuilder header = new StringBuilder("<stream:stream xmlns='jabber:client' to='")
                                       .append(Xml.escape(domain))
                                       .append("' xmlns:stream='")
                                       .append(NS_STREAMS)
                                       .append("' version='1.0'");
        if (streamId != null) header.append(" id='").append(Xml.escape(streamId)).append('\'');
        header.append(" xml:lang='en'>");
        send(header.toString());
        try {
            // A new stream is a new XML document: a new parser over the same bytes (RFC 6120 §4.3.3).
            reader = xmlFactory.createXMLStreamReader(in, "UTF-8");
            while (true) {
                int event = next("the server's stream header");
                if (event == XMLStreamConstants.START_ELEMENT) break;
            }
        }
        catch (XMLStreamException e) {
            throw new IOException("malformed stream header from the server: " + e.getMessage(), e);
        }
        if (!"stream".equals(reader.getLocalName()) || !NS_STREAMS.equals(reader.getNamespaceURI())) {
            throw new IOException("expected <stream:stream>, got <" + reader.getName() + ">");
        }
        streamId = reader.getAttributeValue(null, "id");
        StringBuilder seen = new StringBuilder("<stream:stream");
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String prefix = reader.getAttributePrefix(i);
            String name = (prefix == null || prefix.isEmpty() ? "" : prefix + ":")
                    + reader.getAttributeLocalName(i);
            seen.append(' ').append(name).append("='").append(reader.getAttributeValue(i)).append('\'');
        }
        Transcript.received(seen.append('>').toString());
        if (streamId == null) {
            throw new IOException("the server's stream header has no id (RFC 6120 §4.7.3)");
        }
        XmlElement features = read("stream features");
        if (!features.is("features", NS_STREAMS))
            throw new IOException("expected <stream:features>, got " + features);
        return features;
    }

    /** STARTTLS (RFC 6120 §5.4.2) and the handshake, limited to one protocol version. */
    void startTls(SSLContext context, String protocol) throws IOException {
        send("<starttls xmlns='" + NS_TLS + "'/>");
        XmlElement answer = read("<proceed/>");
        if (!answer.is("proceed", NS_TLS)) throw new IOException("STARTTLS refused: " + answer);
        // Smack: createSocket(plain, service domain, port, autoClose=true), then the handshake.
        SSLSocket tls =
                (SSLSocket) context.getSocketFactory().createSocket(socket, domain, socket.getPort(), true);
        tls.setEnabledProtocols(new String[] {protocol});
        tls.setSoTimeout(REPLY_TIMEOUT_MS);
        Transcript.note("TLS handshake, enabled protocols " + protocol);
        try {
            tls.startHandshake();
        }
        catch (IOException e) {
            throw new IOException("TLS " + protocol + " handshake failed: " + e, e);
        }
        SSLSession session = tls.getSession();
        Certificate[] sent = session.getLocalCertificates();
        Transcript.note("TLS established: " + session.getProtocol() + " " + session.getCipherSuite()
                + (sent == null ? ", no client certificate sent" : ", client certificate sent"));
        if (!protocol.equals(session.getProtocol())) {
            throw new IOException("negotiated " + session.getProtocol() + " instead of " + protocol);
        }
        use(tls);
    }

    /** Smack's StanzaIdUtil.newStanzaId(): five random characters, '-', a counter. */
    String newId() {
        return idPrefix + "-" + (++idCounter);
    }

    void send(String xml) throws IOException {
        Transcript.sent(xml);
        out.write(xml.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /**
     * XEP-0198 as the client runs it (stream management without resumption): once enabled, every
     * {@code <r/>} is answered with the count of stanzas handled so far.
     */
    void answerAckRequests() {
        ackRequestsAnswered = true;
    }

    /** The next top-level element; the end of the stream or a stream error is an IOException. */
    XmlElement read(String awaited) throws IOException {
        while (true) {
            XmlElement element = readOne(awaited);
            if (ackRequestsAnswered && element.is("r", NS_SM)) {
                send("<a xmlns='" + NS_SM + "' h='" + stanzasHandled + "'/>");
                continue;
            }
            if (ackRequestsAnswered && isStanza(element)) stanzasHandled++;
            return element;
        }
    }

    /** Sends an IQ and returns the answer with its id, failing on anything else in between. */
    XmlElement iq(String type, String to, String payload) throws IOException {
        String id = newId();
        send("<iq " + (to == null ? "" : "to='" + Xml.escape(to) + "' ") + "id='" + id + "' type='" + type
                + "'>" + payload + "</iq>");
        XmlElement answer = read("the answer to IQ " + id);
        if (!answer.name.equals("iq") || !id.equals(answer.attribute("id"))) {
            throw new IOException("expected the answer to IQ " + id + ", got " + answer);
        }
        return answer;
    }

    private static boolean isStanza(XmlElement element) {
        return element.namespace.equals("jabber:client")
                && (element.name.equals("iq") || element.name.equals("message")
                        || element.name.equals("presence"));
    }

    private XmlElement readOne(String awaited) throws IOException {
        try {
            while (true) {
                int event = next(awaited);
                if (event == XMLStreamConstants.START_ELEMENT) {
                    XmlElement element = build();
                    Transcript.received(element.toString());
                    if (element.is("error", NS_STREAMS))
                        throw new IOException("stream error from the server: " + element);
                    return element;
                }
                if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT) {
                    Transcript.received("</stream:stream>");
                    throw new IOException(
                            "the server closed the stream while the client waited for " + awaited);
                }
                if ((event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA)
                        && !reader.isWhiteSpace()) {
                    throw new IOException("text between top-level elements: '" + reader.getText() + "'");
                }
            }
        }
        catch (XMLStreamException e) {
            throw new IOException(
                    "malformed XML from the server while waiting for " + awaited + ": " + e.getMessage(), e);
        }
    }

    private int next(String awaited) throws XMLStreamException, IOException {
        try {
            return reader.next();
        }
        catch (XMLStreamException e) {
            // StAX reports a failed or ended socket as a parse error; say what really happened.
            if (in.failure instanceof SocketTimeoutException) {
                throw new IOException(
                        "no answer within " + REPLY_TIMEOUT_MS / 1000 + " s while waiting for " + awaited,
                        in.failure);
            }
            if (in.failure != null) {
                throw new IOException(
                        "connection failed while waiting for " + awaited + ": " + in.failure, in.failure);
            }
            if (in.ended) {
                Transcript.received("(TCP connection closed)");
                throw new IOException(
                        "the server closed the connection without closing the stream while the client "
                        + "waited for " + awaited);
            }
            throw e;
        }
    }

    /** The socket's input, remembering whether it ended or failed (StAX hides both). */
    private static final class WatchedInput extends FilterInputStream {
        boolean ended;
        IOException failure;

        WatchedInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            try {
                int count = super.read(buffer, offset, length);
                if (count < 0) ended = true;
                return count;
            }
            catch (IOException e) {
                failure = e;
                throw e;
            }
        }
    }

    /** The element whose START_ELEMENT the reader is on, with its subtree. */
    private XmlElement build() throws XMLStreamException, IOException {
        XmlElement element = new XmlElement(reader.getLocalName(), reader.getNamespaceURI());
        for (int i = 0; i < reader.getAttributeCount(); i++) {
            String prefix = reader.getAttributePrefix(i);
            String name = (prefix == null || prefix.isEmpty() ? "" : prefix + ":")
                    + reader.getAttributeLocalName(i);
            element.attributes.put(name, reader.getAttributeValue(i));
        }
        while (true) {
            int event = next("the rest of <" + element.name + ">");
            if (event == XMLStreamConstants.START_ELEMENT)
                element.children.add(build());
            else if (event == XMLStreamConstants.CHARACTERS || event == XMLStreamConstants.CDATA) {
                element.text.append(reader.getText());
            }
            else if (event == XMLStreamConstants.END_ELEMENT)
                return element;
        }
    }

    /**
     * Smack's disconnect(): the closing tag, then the server must close its stream too
     * (RFC 6120 §4.4) before the socket is closed.
     */
    void disconnect() throws IOException {
        send("</stream:stream>");
        try {
            while (true) {
                int event = next("the server's closing tag");
                if (event == XMLStreamConstants.END_ELEMENT || event == XMLStreamConstants.END_DOCUMENT)
                    break;
                if (event == XMLStreamConstants.START_ELEMENT)
                    throw new IOException("expected the end of the stream, got " + build());
            }
        }
        catch (XMLStreamException e) {
            throw new IOException("malformed XML from the server while closing: " + e.getMessage(), e);
        }
        Transcript.received("</stream:stream>");
        close();
    }

    /**
     * Smack's instantShutdown(), which RegistrationService.disconnect() uses after each step: the
     * socket is closed without a closing tag.
     */
    @Override
    public void close() {
        try {
            socket.close();
            Transcript.note("socket closed");
        }
        catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    private static String random(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) out.append(ID_ALPHABET.charAt(RANDOM.nextInt(ID_ALPHABET.length())));
        return out.toString();
    }
}
