package realclient;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Date;
import java.util.HashMap;
import java.util.Map;

/**
 * A test client whose credentials and wire behaviour are the Kontalk Android client's: it
 * generates the personal key, registers a phone number, merges the server-certified key, logs in
 * with SASL as Smack 4.3 chooses and proves the session with a round trip. The last line of
 * its output is "OK tls=... jid=..." on success or "FAILED: ..." (exit status 1).
 *
 * Usage: java realclient.Main --host H --port P --domain D --phone +15555215554 --name N
 *        --code 123456 --tls TLSv1.3
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        try {
            Map<String, String> options = parse(args);
            Endpoint endpoint = new Endpoint(options.get("host"), Integer.parseInt(options.get("port")),
                    options.get("domain"), options.get("tls"));
            String phone = options.get("phone");
            String localpart = sha1Hex(phone); // XMPPUtils.createLocalpart(phone)
            String bareJid = localpart + "@" + endpoint.domain();

            Transcript.step("key generation (PGP.create: RSA-2048 + ECDSA P-256 + ECDH P-256)");
            PersonalKeyRing key = PersonalKeyRing.create(new Date());

            RegistrationFlow registration = new RegistrationFlow(endpoint);
            registration.requestVerification(phone);
            key.store(options.get("name"), localpart, endpoint.domain());
            byte[] signedKey = registration.confirm(key, options.get("code"));
            Transcript.step("merging the server-certified key (PersonalKey.update)");
            ServerSignedKey.merge(key, signedKey);

            String jid = new LoginFlow(endpoint).login(key, bareJid);
            System.out.println("OK tls=" + endpoint.tlsProtocol() + " jid=" + jid);
            System.exit(0);
        }
        catch (Throwable failure) {
            failure.printStackTrace(System.out);
            System.out.println("FAILED: " + failure);
            System.exit(1);
        }
    }

    private static Map<String, String> parse(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (!args[i].startsWith("--"))
                throw new IllegalArgumentException("expected --option, got " + args[i]);
            options.put(args[i].substring(2), args[i + 1]);
        }
        for (String required : new String[] {"host", "port", "domain", "phone", "name", "code", "tls"}) {
            if (!options.containsKey(required)) throw new IllegalArgumentException("missing --" + required);
        }
        return options;
    }

    private static String sha1Hex(String text) throws Exception {
        StringBuilder out = new StringBuilder();
        for (byte b : MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8))) {
            out.append(String.format("%02x", b));
        }
        return out.toString();
    }
}
