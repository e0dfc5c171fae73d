package dev.tfjvm.plugin;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;

/**
 * A fresh self-signed certificate for AutoMTLS, shaped like go-plugin's own: CN and SAN
 * {@code localhost} (the name Terraform verifies), EKU serverAuth + clientAuth, CA true,
 * valid from 30 seconds ago.
 *
 * <p>Key, signature and parsing are the JDK's (SunEC); the DER of this one fixed certificate
 * shape is written directly, because assembling it with BouncyCastle's builders costs tens of
 * milliseconds of class initialisation on every provider start.
 *
 * @param privateKey  the certificate's key
 * @param certificate the certificate
 */
public record ServerCertificate(PrivateKey privateKey, X509Certificate certificate) {
    private static final Duration BACKDATE = Duration.ofSeconds(30);
    private static final Duration LIFETIME = Duration.ofDays(3650);

    /** EC curves the generator accepts: go-plugin uses P-521 for its client, P-256 is cheaper. */
    public enum Curve {
        P256("secp256r1", "SHA256withECDSA", "1.2.840.10045.4.3.2"),
        P384("secp384r1", "SHA384withECDSA", "1.2.840.10045.4.3.3"),
        P521("secp521r1", "SHA512withECDSA", "1.2.840.10045.4.3.4");

        private final String jdkName;
        private final String signatureAlgorithm;
        private final String signatureOid;

        Curve(String jdkName, String signatureAlgorithm, String signatureOid) {
            this.jdkName = jdkName;
            this.signatureAlgorithm = signatureAlgorithm;
            this.signatureOid = signatureOid;
        }
    }

    /** A P-256 certificate for localhost. */
    public static ServerCertificate generate() throws GeneralSecurityException {
        return generate(Curve.P256, "tf-jvm");
    }

    /**
     * A certificate for localhost on the given curve.
     *
     * @param organization the O= of the subject (go-plugin uses "HashiCorp")
     */
    public static ServerCertificate generate(Curve curve, String organization) throws GeneralSecurityException {
        SecureRandom random = new SecureRandom();
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve.jdkName), random);
        KeyPair keys = generator.generateKeyPair();

        ZonedDateTime now = ZonedDateTime.now(ZoneOffset.UTC);
        byte[] name = Der.sequence(
                Der.tlv(Der.SET, Der.sequence(Der.oid("2.5.4.10"), Der.utf8(organization))),
                Der.tlv(Der.SET, Der.sequence(Der.oid("2.5.4.3"), Der.utf8("localhost"))));
        byte[] algorithm = Der.sequence(Der.oid(curve.signatureOid));
        byte[] extensions = Der.sequence(
                // basicConstraints, critical: CA true
                Der.sequence(Der.oid("2.5.29.19"), Der.bool(true), Der.octetString(Der.sequence(Der.bool(true)))),
                // keyUsage, critical: digitalSignature, keyEncipherment, keyAgreement, keyCertSign
                Der.sequence(Der.oid("2.5.29.15"), Der.bool(true), Der.octetString(Der.tlv(Der.BIT_STRING, new byte[] {
                    2, (byte) 0xac
                }))),
                // extKeyUsage: serverAuth, clientAuth
                Der.sequence(
                        Der.oid("2.5.29.37"),
                        Der.octetString(Der.sequence(Der.oid("1.3.6.1.5.5.7.3.1"), Der.oid("1.3.6.1.5.5.7.3.2")))),
                // subjectAltName: DNS localhost, IP 127.0.0.1
                Der.sequence(
                        Der.oid("2.5.29.17"),
                        Der.octetString(Der.sequence(
                                Der.tlv(0x82, "localhost".getBytes(java.nio.charset.StandardCharsets.US_ASCII)),
                                Der.tlv(0x87, new byte[] {127, 0, 0, 1})))));
        byte[] tbs = Der.sequence(
                Der.tlv(0xa0, Der.integer(2)),
                Der.integer(new BigInteger(127, random).add(BigInteger.ONE)),
                algorithm,
                name,
                Der.sequence(Der.time(now.minus(BACKDATE)), Der.time(now.plus(LIFETIME))),
                name,
                keys.getPublic().getEncoded(),
                Der.tlv(0xa3, extensions));
        Signature signer = Signature.getInstance(curve.signatureAlgorithm);
        signer.initSign(keys.getPrivate(), random);
        signer.update(tbs);
        byte[] der = Der.sequence(tbs, algorithm, Der.bitString(signer.sign()));
        X509Certificate certificate = (X509Certificate)
                CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        return new ServerCertificate(keys.getPrivate(), certificate);
    }

    /** The DER encoding, base64 with the standard alphabet and no padding, as go-plugin expects. */
    public String handshakeField() {
        try {
            return Base64.getEncoder().withoutPadding().encodeToString(certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a certificate we generated cannot be encoded", e);
        }
    }

    /** PEM text of the certificate (what go-plugin puts in PLUGIN_CLIENT_CERT). */
    public String certificatePem() {
        try {
            return pem("CERTIFICATE", certificate.getEncoded());
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IllegalStateException("a certificate we generated cannot be encoded", e);
        }
    }

    /** PKCS#8 PEM text of the private key. */
    public String privateKeyPem() {
        return pem("PRIVATE KEY", privateKey.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }

    @Override
    public String toString() {
        return "ServerCertificate[" + certificate.getSubjectX500Principal() + "]";
    }
}
