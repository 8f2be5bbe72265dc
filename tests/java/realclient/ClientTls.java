package realclient;

import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The client's SSLContext, as app/src/main/java/org/kontalk/client/KontalkConnection.java
 * setupSSL() builds it: with a bridge certificate, an in-memory KeyStore holding the certificate
 * and the PGP primary (RSA) private key feeds a KeyManagerFactory of the default algorithm; without
 * one, no key managers at all (registration step 1). The trust manager accepts any server
 * certificate, the client's "accept any certificate" setting (tests use a self-signed server).
 */
final class ClientTls {
    private ClientTls() {}

    static SSLContext context(BridgeCertificate bridge) throws Exception {
        KeyManager[] keyManagers = null;
        if (bridge != null) {
            KeyStore keystore = KeyStore.getInstance(KeyStore.getDefaultType());
            keystore.load(null, null);
            keystore.setKeyEntry("private", bridge.privateKey, null, new Certificate[] {bridge.certificate});
            KeyManagerFactory factory =
                    KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(keystore, null);
            keyManagers = factory.getKeyManagers();
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(keyManagers, new TrustManager[] {new AcceptAnyServer()}, null);
        return context;
    }

    private static final class AcceptAnyServer implements X509TrustManager {
        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {}
    }
}
