package realclient;

import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.Date;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.openpgp.PGPEncryptedData;
import org.bouncycastle.openpgp.PGPKeyFlags;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.PGPDigestCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyPair;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyEncryptorBuilder;

/**
 * The Android client's personal key: generation and keyring assembly.
 *
 * Reproduces app/src/main/java/org/kontalk/crypto/PGP.java create() and store(), reached through
 * PersonalKey.create() and PersonalKey.storeNetwork() from RegistrationService.onChallengeRequest:
 * an RSA-2048 primary key (authenticate + certify), an ECDSA P-256 signing subkey with an embedded
 * primary-key binding signature, an ECDH P-256 encryption subkey, one user id
 * "Name &lt;sha1(phone)@domain&gt;" with a POSITIVE_CERTIFICATION self-signature made with SHA-256,
 * and the secret keys encrypted with AES-256 under a random 40-character passphrase.
 */
final class PersonalKeyRing {
    /** PGPKeyFlags.CAN_AUTHENTICATE of the client (app/.../crypto/PGPKeyFlags.java): 0x20. */
    static final int CAN_AUTHENTICATE = 0x20;

    private static final String EC_CURVE = "P-256";
    private static final int RSA_KEY_LENGTH = 2048;

    /** The three key pairs; replaced with the server-certified public halves by ServerSignedKey. */
    PGPKeyPair authKey;
    PGPKeyPair signKey;
    PGPKeyPair encryptKey;

    /** What PGP.store() returned (PGPKeyPairRing): the rings the bridge certificate is made from. */
    PGPPublicKeyRing publicRing;
    PGPSecretKeyRing secretRing;

    /** RegistrationService: "random passphrase for now", StringUtils.randomString(40). */
    final String passphrase;

    private PersonalKeyRing(PGPKeyPair auth, PGPKeyPair sign, PGPKeyPair encrypt, String passphrase) {
        this.authKey = auth;
        this.signKey = sign;
        this.encryptKey = encrypt;
        this.passphrase = passphrase;
    }

    /** PGP.create(timestamp): the three key pairs, all with the same creation time. */
    static PersonalKeyRing create(Date timestamp) throws Exception {
        KeyPairGenerator authGen = KeyPairGenerator.getInstance("RSA", Crypto.PROVIDER);
        authGen.initialize(RSA_KEY_LENGTH);
        PGPKeyPair auth = new JcaPGPKeyPair(PGPPublicKey.RSA_GENERAL, authGen.generateKeyPair(), timestamp);

        KeyPairGenerator encryptGen = KeyPairGenerator.getInstance("ECDH", Crypto.PROVIDER);
        encryptGen.initialize(new ECGenParameterSpec(EC_CURVE));
        PGPKeyPair encrypt = new JcaPGPKeyPair(PGPPublicKey.ECDH, encryptGen.generateKeyPair(), timestamp);

        KeyPairGenerator signGen = KeyPairGenerator.getInstance("ECDSA", Crypto.PROVIDER);
        signGen.initialize(new ECGenParameterSpec(EC_CURVE));
        PGPKeyPair sign = new JcaPGPKeyPair(PGPPublicKey.ECDSA, signGen.generateKeyPair(), timestamp);

        return new PersonalKeyRing(auth, sign, encrypt, randomPassphrase());
    }

    /**
     * PersonalKey.storeNetwork(userId, network, name, passphrase) then PGP.store(): builds the
     * public and secret keyrings for the user id "name &lt;localpart@network&gt;".
     * setEmbeddedSignature is deprecated in Bouncy Castle 1.72 but is the client's call.
     */
    @SuppressWarnings("deprecation")
    void store(String name, String localpart, String network) throws Exception {
        String userId = name + " <" + localpart + "@" + network + ">";

        PGPSignatureSubpacketGenerator primary = new PGPSignatureSubpacketGenerator();
        primary.setKeyFlags(false, CAN_AUTHENTICATE | PGPKeyFlags.CAN_CERTIFY);
        primary.setPrimaryUserID(false, true);

        PGPDigestCalculator sha1 =
                new JcaPGPDigestCalculatorProviderBuilder().build().get(HashAlgorithmTags.SHA1);
        PGPKeyRingGenerator generator = new PGPKeyRingGenerator(PGPSignature.POSITIVE_CERTIFICATION, authKey,
                userId, sha1, primary.generate(), null,
                new JcaPGPContentSignerBuilder(
                        authKey.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256),
                new JcePBESecretKeyEncryptorBuilder(PGPEncryptedData.AES_256, sha1)
                        .setProvider(Crypto.PROVIDER)
                        .build(passphrase.toCharArray()));

        PGPSignatureSubpacketGenerator signing = new PGPSignatureSubpacketGenerator();
        signing.setKeyFlags(false, PGPKeyFlags.CAN_SIGN);
        signing.setEmbeddedSignature(false, crossCertify(signKey, authKey.getPublicKey()));
        generator.addSubKey(signKey, signing.generate(), null);

        PGPSignatureSubpacketGenerator encrypting = new PGPSignatureSubpacketGenerator();
        encrypting.setKeyFlags(false, PGPKeyFlags.CAN_ENCRYPT_COMMS);
        generator.addSubKey(encryptKey, encrypting.generate(), null);

        secretRing = generator.generateSecretKeyRing();
        publicRing = generator.generatePublicKeyRing();
    }

    /** PGP.crossCertify(): the signing subkey's primary-key binding signature (0x19), SHA-256. */
    private static PGPSignature crossCertify(PGPKeyPair signer, PGPPublicKey primary) throws Exception {
        PGPSignatureGenerator generator = new PGPSignatureGenerator(
                new JcaPGPContentSignerBuilder(signer.getPublicKey().getAlgorithm(), HashAlgorithmTags.SHA256)
                        .setProvider(Crypto.PROVIDER));
        generator.init(PGPSignature.PRIMARYKEY_BINDING, signer.getPrivateKey());
        return generator.generateCertification(primary);
    }

    /** Smack's StringUtils.randomString(40): letters and digits. */
    private static String randomPassphrase() {
        String alphabet = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        SecureRandom random = new SecureRandom();
        StringBuilder out = new StringBuilder(40);
        for (int i = 0; i < 40; i++) out.append(alphabet.charAt(random.nextInt(alphabet.length())));
        return out.toString();
    }
}
