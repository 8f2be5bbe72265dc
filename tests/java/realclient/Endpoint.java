package realclient;

/** Where the client connects: the server's STARTTLS port, its XMPP domain, one TLS version. */
record Endpoint(String host, int port, String domain, String tlsProtocol) {}
