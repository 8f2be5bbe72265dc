package realclient;

/**
 * Smack's connect() for the client's configuration (KontalkConnection.buildConfiguration:
 * SecurityMode.required, STARTTLS rather than direct TLS as XMPPConnectionHelper.USE_STARTTLS
 * says): stream, STARTTLS, TLS with or without a bridge certificate, stream restart, and the
 * post-TLS features, which must carry the SASL mechanisms Smack waits for before connect() returns.
 */
final class SmackConnect {
    static final String NS_SASL = "urn:ietf:params:xml:ns:xmpp-sasl";

    /** An open, encrypted, unauthenticated stream and the features the server sent on it. */
    record Connected(XmppStream stream, XmlElement features) {}

    private SmackConnect() {}

    static Connected connect(Endpoint endpoint, BridgeCertificate bridge) throws Exception {
        XmppStream stream = XmppStream.connect(endpoint.host(), endpoint.port(), endpoint.domain());
        try {
            XmlElement features = stream.open();
            if (features.child("starttls", XmppStream.NS_TLS) == null) {
                throw new IllegalStateException(
                        "the server offers no STARTTLS; SecurityMode.required aborts");
            }
            stream.startTls(ClientTls.context(bridge), endpoint.tlsProtocol());
            features = stream.open();
            if (features.child("mechanisms", NS_SASL) == null) {
                throw new IllegalStateException("no SASL mechanisms in the features after TLS: " + features);
            }
            return new Connected(stream, features);
        }
        catch (Exception e) {
            stream.close();
            throw e;
        }
    }
}
