package realclient;

import java.util.List;
import java.util.Set;

/**
 * The SASL mechanism Smack 4.3 picks (smackVersion 4.3.4 in kontalk/client-common-java, which
 * the Android client builds against). SASLAuthentication.selectMechanism() walks the registered
 * mechanisms in ascending priority (SASLMechanism.compareTo: getPriority() - other.getPriority())
 * and takes the first one that is not blacklisted and that the server offers; it does not look
 * at whether a password exists. Registered on Android: by smack-core's SmackInitialization
 * SCRAM-SHA-1, SCRAM-SHA-1-PLUS, X-OAUTH2, ANONYMOUS; by smack-sasl-provided (smack-android's
 * SASL implementations) DIGEST-MD5, EXTERNAL, PLAIN. Priorities as their getPriority() return them.
 */
final class SmackSaslChoice {
    /** Registered mechanisms, lowest (preferred) priority first. */
    private static final List<String> BY_PRIORITY = List.of("SCRAM-SHA-1", // 110, SCRAMSHA1Mechanism
            "SCRAM-SHA-1-PLUS", // 110, ScramSha1PlusMechanism
            "DIGEST-MD5", // 210, SASLDigestMD5Mechanism
            "PLAIN", // 410, SASLPlainMechanism
            "X-OAUTH2", // 410, SASLXOauth2Mechanism
            "ANONYMOUS", // 500, SASLAnonymous
            "EXTERNAL"); // 510, SASLExternalMechanism

    /**
     * SCRAM-SHA-1-PLUS: blacklisted in SASLAuthentication's static initialiser ("for now").
     * PLAIN: KontalkConnection.setupSSL() blacklists it whenever a bridge certificate is used.
     */
    private static final Set<String> BLACKLISTED = Set.of("SCRAM-SHA-1-PLUS", "PLAIN");

    private SmackSaslChoice() {}

    /** The mechanism Smack would start, or null (SmackException: no supported mechanism). */
    static String choose(List<String> offeredByServer) {
        for (String mechanism : BY_PRIORITY) {
            if (!BLACKLISTED.contains(mechanism) && offeredByServer.contains(mechanism)) return mechanism;
        }
        return null;
    }
}
