package realclient;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * The first login after registration, as the message center's XMPPConnectionHelper.connectOnce()
 * and Smack 4.3's XMPPTCPConnection.loginInternal() do it with the bridge certificate of the
 * server-certified key: SASL with the mechanism Smack picks (the client has no password, so only
 * EXTERNAL can succeed), stream restart, resource binding with the device's ANDROID_ID (16 hex
 * digits), the session IQ only when the server marks it mandatory, XEP-0198 enabled without
 * resumption when offered (KontalkConnection: setUseStreamManagement(true), resumption false);
 * then round trips to prove the session works: an XEP-0199 ping to the server and a
 * {@code urn:xmpp:pubkey:2} get of the user's own key (spec §5), and a clean close of the stream.
 */
final class LoginFlow {
    private static final String NS_BIND = "urn:ietf:params:xml:ns:xmpp-bind";
    private static final String NS_SESSION = "urn:ietf:params:xml:ns:xmpp-session";
    private static final String NS_COMPRESS_FEATURE = "http://jabber.org/features/compress";
    private static final String NS_PUBKEY = "urn:xmpp:pubkey:2";

    private final Endpoint endpoint;

    LoginFlow(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Logs in and proves the session; returns the full JID the server bound. */
    String login(PersonalKeyRing key, String expectedBareJid) throws Exception {
        Transcript.step("login: bridge certificate of the server-certified key");
        BridgeCertificate bridge =
                BridgeCertificate.create(key.publicRing, key.secretRing.getSecretKey(), key.passphrase);
        SmackConnect.Connected connected = SmackConnect.connect(endpoint, bridge);
        try (XmppStream stream = connected.stream()) {
            authenticate(stream, connected.features());
            XmlElement features = stream.open();
            if (features.child("compression", NS_COMPRESS_FEATURE) != null) {
                // Smack 4.3 registers Java7ZlibInputOutputStream and the client enables compression.
                throw new IllegalStateException(
                        "the server offers XEP-0138 compression, which Smack would start "
                        + "before binding; this test client does not reproduce it: " + features);
            }
            String jid = bind(stream, features);
            if (!jid.startsWith(expectedBareJid + "/")) {
                throw new IllegalStateException(
                        "bound " + jid + ", expected a resource of " + expectedBareJid);
            }
            enableStreamManagement(stream, features);
            ping(stream);
            checkOwnKey(stream, expectedBareJid, Crypto.fingerprint(key.authKey.getPublicKey()));
            stream.disconnect();
            return jid;
        }
    }

    private static void authenticate(XmppStream stream, XmlElement features) throws Exception {
        List<String> offered = new ArrayList<>();
        for (XmlElement mechanism : features.child("mechanisms", SmackConnect.NS_SASL)
                                            .children("mechanism", SmackConnect.NS_SASL)) {
            offered.add(mechanism.text().trim());
        }
        String chosen = SmackSaslChoice.choose(offered);
        Transcript.note("server offers " + offered + "; Smack 4.3 picks " + chosen);
        if (!"EXTERNAL".equals(chosen)) {
            throw new IllegalStateException("Smack 4.3 would authenticate with " + chosen
                    + " (it prefers it to EXTERNAL "
                    + "among " + offered + "), but the client has no password: the login fails");
        }
        // SASLExternalMechanism.getAuthenticationText(): no authzid and no username -> no initial
        // response, sent as '=' (RFC 6120 §6.4.2).
        stream.send("<auth xmlns='" + SmackConnect.NS_SASL + "' mechanism='EXTERNAL'>=</auth>");
        XmlElement outcome = stream.read("the SASL outcome");
        if (!outcome.is("success", SmackConnect.NS_SASL)) {
            throw new IllegalStateException("SASL EXTERNAL did not succeed: " + outcome);
        }
    }

    /** Smack's bindResourceAndEstablishSession(resource). */
    private static String bind(XmppStream stream, XmlElement features) throws Exception {
        if (features.child("bind", NS_BIND) == null)
            throw new IllegalStateException("no resource binding offered: " + features);
        String resource = androidId();
        XmlElement answer = stream.iq(
                "set", null, "<bind xmlns='" + NS_BIND + "'><resource>" + resource + "</resource></bind>");
        XmlElement bound = answer.child("bind", NS_BIND);
        XmlElement jid = bound == null ? null : bound.child("jid", NS_BIND);
        if (!"result".equals(answer.attribute("type")) || jid == null) {
            throw new IllegalStateException("resource binding failed: " + answer);
        }
        XmlElement session = features.child("session", NS_SESSION);
        if (session != null && session.child("optional", NS_SESSION) == null) {
            XmlElement established = stream.iq("set", null, "<session xmlns='" + NS_SESSION + "'/>");
            if (!"result".equals(established.attribute("type")))
                throw new IllegalStateException("session failed: " + established);
        }
        return jid.text();
    }

    /** XMPPTCPConnection.loginInternal(): Enable(resume=false) when the server offers XEP-0198. */
    private static void enableStreamManagement(XmppStream stream, XmlElement features) throws Exception {
        if (features.child("sm", XmppStream.NS_SM) == null) {
            Transcript.note("no stream management offered");
            return;
        }
        stream.send("<enable xmlns='" + XmppStream.NS_SM + "'/>");
        XmlElement enabled = stream.read("<enabled/>");
        if (!enabled.is("enabled", XmppStream.NS_SM))
            throw new IllegalStateException("stream management refused: " + enabled);
        stream.answerAckRequests();
    }

    private void ping(XmppStream stream) throws Exception {
        XmlElement pong = stream.iq("get", endpoint.domain(), "<ping xmlns='urn:xmpp:ping'/>");
        if (!"result".equals(pong.attribute("type"))) throw new IllegalStateException("ping failed: " + pong);
    }

    /** The user's own key from the server: the same primary key, certified by someone else (the server). */
    private static void checkOwnKey(XmppStream stream, String bareJid, String fingerprint) throws Exception {
        XmlElement answer = stream.iq("get", bareJid, "<pubkey xmlns='" + NS_PUBKEY + "'/>");
        XmlElement pubkey = answer.child("pubkey", NS_PUBKEY);
        if (!"result".equals(answer.attribute("type")) || pubkey == null) {
            throw new IllegalStateException("public key request failed: " + answer);
        }
        PGPPublicKeyRing ring =
                new PGPPublicKeyRing(Base64.getMimeDecoder().decode(pubkey.text()), Crypto.FINGERPRINTS);
        PGPPublicKey primary = ring.getPublicKey();
        if (!fingerprint.equals(Crypto.fingerprint(primary))) {
            throw new IllegalStateException(
                    "the server returned key " + Crypto.fingerprint(primary) + ", ours is " + fingerprint);
        }
        boolean certified = false;
        for (Iterator<PGPSignature> signatures = primary.getSignatures(); signatures.hasNext();) {
            if (signatures.next().getKeyID() != primary.getKeyID()) certified = true;
        }
        if (!certified)
            throw new IllegalStateException("the stored key carries no third-party (server) certification");
        Transcript.note("own key " + fingerprint + " served back with the server's certification");
    }

    /** Settings.Secure.ANDROID_ID: a 64-bit number as 16 lower-case hex digits. */
    private static String androidId() {
        return String.format("%016x", new SecureRandom().nextLong());
    }
}
