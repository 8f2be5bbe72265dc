package realclient;

import java.io.ByteArrayOutputStream;
import java.util.Iterator;
import org.bouncycastle.openpgp.PGPKeyFlags;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;

/**
 * Merges the server-certified key of the code step's answer into the personal key, as
 * RegistrationService.onChallengeRequest does with {@code cstate.key.update(Base64.decode(publickey))}
 * (app/src/main/java/org/kontalk/crypto/PersonalKey.java update()): the answer is parsed as one
 * PGPPublicKeyRing, the authentication, encryption and signing keys are picked from it by their
 * key flags (PGP.getAuthenticationKey/getEncryptionKey/getSigningKey), each is paired with the
 * private key the client already holds, and the new public keyring is the concatenation of the
 * three public keys (PersonalKey.getEncodedPublicKeyRing()).
 */
final class ServerSignedKey {
    private ServerSignedKey() {}

    /** PersonalKey.update(keyData): returns the new public keyring and stores it in {@code key}. */
    static PGPPublicKeyRing merge(PersonalKeyRing key, byte[] keyData) throws Exception {
        PGPPublicKeyRing ring = new PGPPublicKeyRing(keyData, Crypto.FINGERPRINTS);
        PGPPublicKey auth = authenticationKey(ring);
        PGPPublicKey encrypt = encryptionKey(ring);
        PGPPublicKey sign = signingKey(ring);
        // The client would go on with a null key and fail later with a NullPointerException; say
        // which key the flags did not reveal instead.
        if (auth == null) {
            throw new IllegalStateException("no primary key with the authenticate flag (PGP.getKeyFlags "
                    + "reads the FIRST signature with hashed subpackets: does a server certification "
                    + "come before the self-signature?)");
        }
        if (encrypt == null) throw new IllegalStateException("no encryption subkey");
        // The client would carry on with whatever the fallbacks found; a certified key must still be
        // the client's own three keys, so anything else is the server's mistake.
        sameKey("primary", auth, key.authKey);
        sameKey("signing subkey", sign, key.signKey);
        sameKey("encryption subkey", encrypt, key.encryptKey);

        key.authKey = new PGPKeyPair(auth, key.authKey.getPrivateKey());
        key.encryptKey = new PGPKeyPair(encrypt, key.encryptKey.getPrivateKey());
        key.signKey = new PGPKeyPair(sign, key.signKey.getPrivateKey());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        key.authKey.getPublicKey().encode(out);
        key.signKey.getPublicKey().encode(out);
        key.encryptKey.getPublicKey().encode(out);
        key.publicRing = new PGPPublicKeyRing(out.toByteArray(), Crypto.FINGERPRINTS);
        return key.publicRing;
    }

    private static void sameKey(String role, PGPPublicKey found, PGPKeyPair own) {
        if (found.getKeyID() != own.getKeyID()) {
            throw new IllegalStateException("the certified key's " + role + " is "
                    + Long.toHexString(found.getKeyID()) + ", the client's is "
                    + Long.toHexString(own.getKeyID()));
        }
    }

    /** PGP.getAuthenticationKey(): a master key whose flags include CAN_AUTHENTICATE. */
    private static PGPPublicKey authenticationKey(PGPPublicKeyRing ring) {
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext();) {
            PGPPublicKey key = keys.next();
            if (key.isMasterKey() && (keyFlags(key) & PersonalKeyRing.CAN_AUTHENTICATE) != 0) return key;
        }
        return null;
    }

    /** PGP.getEncryptionKey(): a subkey flagged CAN_ENCRYPT_COMMS, else (legacy) any encryption subkey. */
    private static PGPPublicKey encryptionKey(PGPPublicKeyRing ring) {
        PGPPublicKey flagged = subkeyWithFlag(ring, PGPKeyFlags.CAN_ENCRYPT_COMMS);
        if (flagged != null) return flagged;
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext();) {
            PGPPublicKey key = keys.next();
            if (!key.isMasterKey() && key.isEncryptionKey()) return key;
        }
        return null;
    }

    /** PGP.getSigningKey(): a subkey flagged CAN_SIGN, else (legacy) the master key. */
    private static PGPPublicKey signingKey(PGPPublicKeyRing ring) {
        PGPPublicKey flagged = subkeyWithFlag(ring, PGPKeyFlags.CAN_SIGN);
        return flagged != null ? flagged : ring.getPublicKey();
    }

    private static PGPPublicKey subkeyWithFlag(PGPPublicKeyRing ring, int flag) {
        for (Iterator<PGPPublicKey> keys = ring.getPublicKeys(); keys.hasNext();) {
            PGPPublicKey key = keys.next();
            if (!key.isMasterKey() && (keyFlags(key) & flag) == flag) return key;
        }
        return null;
    }

    /**
     * PGP.getKeyFlags(): the key flags of the first signature on the key that has hashed
     * subpackets (0 if that signature has none), whoever made it.
     */
    private static int keyFlags(PGPPublicKey key) {
        for (Iterator<PGPSignature> signatures = key.getSignatures(); signatures.hasNext();) {
            PGPSignature signature = signatures.next();
            PGPSignatureSubpacketVector hashed = signature.getHashedSubPackets();
            if (hashed != null) return hashed.getKeyFlags();
        }
        return 0;
    }
}
