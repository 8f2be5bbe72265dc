package realclient;

import java.security.PrivateKey;
import java.security.Provider;
import java.security.PublicKey;
import java.security.Security;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.operator.KeyFingerPrintCalculator;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPKeyConverter;

/**
 * The Bouncy Castle set-up shared by the crypto classes, as in
 * app/src/main/java/org/kontalk/crypto/PGP.java: registerProvider() (a BouncyCastleProvider
 * appended to the JCA providers), the BcKeyFingerprintCalculator used to parse keyrings, and
 * convertPublicKey()/convertPrivateKey() through a JcaPGPKeyConverter bound to that provider.
 */
final class Crypto {
    static final Provider PROVIDER = new BouncyCastleProvider();
    static final KeyFingerPrintCalculator FINGERPRINTS = new BcKeyFingerprintCalculator();

    static {
        Security.removeProvider(BouncyCastleProvider.PROVIDER_NAME);
        Security.addProvider(PROVIDER);
    }

    private static final JcaPGPKeyConverter CONVERTER = new JcaPGPKeyConverter().setProvider(PROVIDER);

    private Crypto() {}

    static PublicKey toJca(PGPPublicKey key) throws PGPException {
        return CONVERTER.getPublicKey(key);
    }

    static PrivateKey toJca(PGPPrivateKey key) throws PGPException {
        return CONVERTER.getPrivateKey(key);
    }

    /** PGP.getFingerprint(): upper-case hex of the v4 fingerprint. */
    static String fingerprint(PGPPublicKey key) {
        StringBuilder out = new StringBuilder();
        for (byte b : key.getFingerprint()) out.append(String.format("%02X", b));
        return out.toString();
    }
}
