package realclient;

import java.math.BigInteger;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERUTF8String;
import org.bouncycastle.asn1.DLSequence;
import org.bouncycastle.asn1.misc.MiscObjectIdentifiers;
import org.bouncycastle.asn1.misc.NetscapeCertType;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.openpgp.PGPPrivateKey;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.operator.PBESecretKeyDecryptor;
import org.bouncycastle.openpgp.operator.jcajce.JcaPGPDigestCalculatorProviderBuilder;
import org.bouncycastle.openpgp.operator.jcajce.JcePBESecretKeyDecryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder;
import org.bouncycastle.operator.DefaultSignatureAlgorithmIdentifierFinder;
import org.bouncycastle.operator.bc.BcRSAContentSignerBuilder;

/**
 * The X.509 bridge certificate, made as app/src/main/java/org/kontalk/crypto/X509Bridge.java
 * createCertificate(PGPPublicKeyRing, PGPSecretKey, passphrase) makes it, with the same Bouncy
 * Castle calls, so that the DER has the client's quirks:
 * - SHA1withRSA through BcRSAContentSignerBuilder, serial 1, subject = issuer =
 *   O=OpenPGP to X.509 Bridge plus one CN per user id, notBefore = key creation and, for a key
 *   without expiry, notAfter = notBefore;
 * - subjectAltName entries are {@code new GeneralName(GeneralName.otherName, XmppAddrIdentifier)},
 *   which Bouncy Castle tags IMPLICITLY: A0 { 06 id-on-xmppAddr, 0C utf8 } with no [0] EXPLICIT
 *   wrapper around the value (RFC 5280 §4.2.1.6 wants one; OpenSSL 3 refuses the certificate);
 * - extension 2.25.49058212633447845622587297037800555803 (SubjectPGPPublicKeyInfo.java): a DER
 *   BIT STRING of publicKeyRing.getEncoded().
 */
final class BridgeCertificate {
    /** XmppAddrIdentifier.OID, RFC 6120 §13.7.1.4. */
    private static final ASN1ObjectIdentifier XMPP_ADDR = new ASN1ObjectIdentifier("1.3.6.1.5.5.7.8.5");
    /** SubjectPGPPublicKeyInfo.OID, from UUID 24e844a0-6cbc-11e3-8997-0002a5d5c51b. */
    private static final ASN1ObjectIdentifier PGP_PUBLIC_KEY =
            new ASN1ObjectIdentifier("2.25.49058212633447845622587297037800555803");
    /** PGPUserID.parse(): "name (comment) <email>" first, then "name <email>". */
    private static final Pattern USER_ID_FULL = Pattern.compile("^(.*) \\((.*)\\) <(.*)>$");
    private static final Pattern USER_ID_NO_COMMENT = Pattern.compile("^(.*) <(.*)>$");

    final X509Certificate certificate;
    final PrivateKey privateKey;

    private BridgeCertificate(X509Certificate certificate, PrivateKey privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    /** X509Bridge.createCertificate(publicKeyring, secretKey, passphrase). */
    static BridgeCertificate create(PGPPublicKeyRing publicKeyRing, PGPSecretKey secretKey, String passphrase)
            throws Exception {
        PBESecretKeyDecryptor decryptor =
                new JcePBESecretKeyDecryptorBuilder(new JcaPGPDigestCalculatorProviderBuilder().build())
                        .setProvider(Crypto.PROVIDER)
                        .build(passphrase.toCharArray());
        PGPPrivateKey privateKey = secretKey.extractPrivateKey(decryptor);

        X500NameBuilder name = new X500NameBuilder();
        name.addRDN(BCStyle.O, "OpenPGP to X.509 Bridge");
        PGPPublicKey master = null;
        for (Iterator<PGPPublicKey> keys = publicKeyRing.getPublicKeys(); keys.hasNext();) {
            PGPPublicKey key = keys.next();
            if (key.isMasterKey()) {
                master = key;
                break;
            }
        }
        if (master == null) throw new IllegalArgumentException("no master key found");

        List<String> xmppAddrs = new ArrayList<>();
        for (Iterator<String> ids = master.getUserIDs(); ids.hasNext();) {
            String userId = ids.next();
            name.addRDN(BCStyle.CN, userId);
            String email = emailOf(userId);
            if (email != null) xmppAddrs.add(email);
        }

        Date notBefore = master.getCreationTime();
        Date notAfter = master.getValidSeconds() > 0
                ? new Date(notBefore.getTime() + 1000L * master.getValidSeconds())
                : notBefore;

        PublicKey jcaPublic = Crypto.toJca(master);
        PrivateKey jcaPrivate = Crypto.toJca(privateKey);
        X509Certificate certificate = sign(jcaPublic, jcaPrivate, name.build(), notBefore, notAfter,
                xmppAddrs, publicKeyRing.getEncoded());
        return new BridgeCertificate(certificate, jcaPrivate);
    }

    /** PGPUserID.parse(uid).getEmail(). */
    private static String emailOf(String userId) {
        Matcher full = USER_ID_FULL.matcher(userId);
        if (full.find()) return full.group(3);
        Matcher plain = USER_ID_NO_COMMENT.matcher(userId);
        return plain.find() ? plain.group(2) : null;
    }

    /** X509Bridge's private createCertificate(pubKey, privKey, subject, dates, altNames, keyData). */
    private static X509Certificate sign(PublicKey publicKey, PrivateKey privateKey, X500Name subject,
            Date notBefore, Date notAfter, List<String> xmppAddrs, byte[] publicKeyRing) throws Exception {
        AlgorithmIdentifier signature =
                new DefaultSignatureAlgorithmIdentifierFinder().find("SHA1WithRSAEncryption");
        AlgorithmIdentifier digest = new DefaultDigestAlgorithmIdentifierFinder().find(signature);
        ContentSigner signer = new BcRSAContentSignerBuilder(signature, digest)
                                       .build(PrivateKeyFactory.createKey(privateKey.getEncoded()));

        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(subject, BigInteger.ONE, notBefore,
                notAfter, Locale.US, subject, SubjectPublicKeyInfo.getInstance(publicKey.getEncoded()));
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true,
                new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation | KeyUsage.keyEncipherment
                        | KeyUsage.keyAgreement | KeyUsage.keyCertSign));
        builder.addExtension(MiscObjectIdentifiers.netscapeCertType, false,
                new NetscapeCertType(NetscapeCertType.sslClient | NetscapeCertType.smime));

        JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
        builder.addExtension(
                Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(publicKey));
        builder.addExtension(
                Extension.authorityKeyIdentifier, false, utils.createAuthorityKeyIdentifier(publicKey));

        if (!xmppAddrs.isEmpty()) {
            GeneralName[] names = new GeneralName[xmppAddrs.size()];
            for (int i = 0; i < names.length; i++) {
                // XmppAddrIdentifier extends DLSequence { OID, DERUTF8String(jid) }.
                names[i] = new GeneralName(GeneralName.otherName,
                        new DLSequence(new ASN1Encodable[] {XMPP_ADDR, new DERUTF8String(xmppAddrs.get(i))}));
            }
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names));
        }

        // SubjectPGPPublicKeyInfo.toASN1Primitive() is new DERBitString(publicKeyData).
        builder.addExtension(PGP_PUBLIC_KEY, false, new DERBitString(publicKeyRing));

        X509Certificate certificate = new JcaX509CertificateConverter()
                                              .setProvider(Crypto.PROVIDER)
                                              .getCertificate(builder.build(signer));
        certificate.verify(publicKey, Crypto.PROVIDER);
        return certificate;
    }
}
