package realclient;

import java.util.Base64;
import java.util.Map;

/**
 * Registration as app/src/main/java/org/kontalk/service/registration/RegistrationService.java runs
 * it, one connection per step, each closed after its answer (spec §4.1, §4.2):
 * 1. onVerificationRequest: anonymous connection, {@code get} of jabber:iq:register; terms are
 *    to be accepted when the answer's form has an {@code accept-terms} field and a {@code terms} value;
 * 2. requestRegistration: anonymous connection, the phone form (FORM_TYPE, phone, accept-terms when
 *    accepted, challenge=pin); the answer must carry a {@code from} value ("Invalid response" else);
 * 3. onChallengeRequest: the keyring is stored for the user id, a bridge certificate of the new,
 *    uncertified key is the TLS client certificate, no login; the code form; the answer's
 *    {@code publickey} is merged into the key and a new bridge certificate made from it.
 * Each {@code nextResultOrThrow()} of the client is an IQ result check here.
 */
final class RegistrationFlow {
    static final String NS_REGISTER = "jabber:iq:register";
    private static final String CODE_FORM = "http://kontalk.org/protocol/register#code";

    private final Endpoint endpoint;

    RegistrationFlow(Endpoint endpoint) {
        this.endpoint = endpoint;
    }

    /** Steps 1 and 2; returns whether the terms were accepted (the client keeps it for retries). */
    boolean requestVerification(String phone) throws Exception {
        Transcript.step("registration: instructions (anonymous connection)");
        boolean acceptTerms;
        SmackConnect.Connected first = SmackConnect.connect(endpoint, null);
        try (XmppStream stream = first.stream()) {
            XmlElement form = resultForm(
                    stream.iq("get", endpoint.domain(), "<query xmlns='" + NS_REGISTER + "'></query>"),
                    "instructions", false);
            Map<String, String> values = form == null ? Map.of() : DataForms.firstValues(form);
            acceptTerms = values.containsKey("accept-terms") && values.get("terms") != null;
            Transcript.note(acceptTerms
                            ? "the server asks to accept terms at " + values.get("terms") + ": accepted"
                            : "no terms to accept");
        }

        Transcript.step("registration: phone number (anonymous connection)");
        SmackConnect.Connected second = SmackConnect.connect(endpoint, null);
        try (XmppStream stream = second.stream()) {
            StringBuilder fields = new StringBuilder()
                                           .append(DataForms.field(null, "FORM_TYPE", "hidden", NS_REGISTER))
                                           .append(DataForms.field(null, "phone", "text-single", phone));
            if (acceptTerms) fields.append(DataForms.field(null, "accept-terms", "boolean", "true"));
            fields.append(DataForms.field(null, "challenge", "text-single", "pin"));
            XmlElement form = resultForm(stream.iq("set", endpoint.domain(),
                                                 "<query xmlns='" + NS_REGISTER + "'>"
                                                         + DataForms.submit(fields.toString()) + "</query>"),
                    "phone", true);
            Map<String, String> values = DataForms.firstValues(form);
            if (values.get("from") == null) {
                throw new IllegalStateException(
                        "the phone step's answer has no 'from' value: the client throws "
                        + "\"Invalid response\" (RegistrationService.requestRegistration)");
            }
            Transcript.note("verification requested: sender " + values.get("from") + ", challenge "
                    + values.get("challenge"));
        }
        return acceptTerms;
    }

    /** Step 3: the code on a connection with the new key's bridge certificate; returns the signed key. */
    byte[] confirm(PersonalKeyRing key, String code) throws Exception {
        Transcript.step("registration: code (bridge certificate of the uncertified key, no login)");
        BridgeCertificate bridge =
                BridgeCertificate.create(key.publicRing, key.secretRing.getSecretKey(), key.passphrase);
        SmackConnect.Connected connected = SmackConnect.connect(endpoint, bridge);
        try (XmppStream stream = connected.stream()) {
            String fields = DataForms.field(null, "FORM_TYPE", "hidden", CODE_FORM)
                    + DataForms.field("Validation code", "code", "text-single", code);
            XmlElement form = resultForm(
                    stream.iq("set", endpoint.domain(),
                            "<query xmlns='" + NS_REGISTER + "'>" + DataForms.submit(fields) + "</query>"),
                    "code", true);
            String publicKey = null;
            for (Map.Entry<String, String> field : DataForms.firstValues(form).entrySet()) {
                if ("publickey".equals(field.getKey())) publicKey = field.getValue();
            }
            if (publicKey == null || publicKey.isEmpty()) {
                throw new IllegalStateException(
                        "the code step's answer has no 'publickey' value: the client throws "
                        + "\"Invalid response\" (RegistrationService.onChallengeRequest)");
            }
            // android.util.Base64.DEFAULT skips line breaks and other non-alphabet characters.
            return Base64.getMimeDecoder().decode(publicKey);
        }
    }

    /**
     * Smack's nextResultOrThrow() plus {@code result.getExtension("x", "jabber:x:data")}: an error
     * answer is the failure; a missing form is "Invalid response" where the client needs one.
     */
    private static XmlElement resultForm(XmlElement answer, String step, boolean formRequired) {
        if (!"result".equals(answer.attribute("type"))) {
            throw new IllegalStateException("the " + step + " step was answered with an error: " + answer);
        }
        XmlElement query = answer.child("query", NS_REGISTER);
        XmlElement form = query == null ? null : query.child("x", DataForms.NS_DATA);
        if (form == null && formRequired) {
            throw new IllegalStateException("the " + step
                    + " step's answer has no data form: the client throws \"Invalid response\"");
        }
        return form;
    }
}
