package dev.tfjvm.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Base64;
import java.util.List;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Our hand-written DER, checked by two independent parsers: the JDK's and BouncyCastle's. */
class ServerCertificateTest {

    @ParameterizedTest
    @EnumSource(ServerCertificate.Curve.class)
    void jdkParsesAndVerifiesTheCertificate(ServerCertificate.Curve curve) throws Exception {
        ServerCertificate generated = ServerCertificate.generate(curve, "Acme \"Quoted\" Ünïcode");
        X509Certificate cert = generated.certificate();

        cert.verify(cert.getPublicKey());
        cert.checkValidity();
        assertThat(cert.getVersion()).isEqualTo(3);
        assertThat(cert.getSerialNumber().signum()).isPositive();
        assertThat(cert.getSubjectX500Principal()).isEqualTo(cert.getIssuerX500Principal());
        assertThat(cert.getSubjectX500Principal().getName()).isEqualTo("CN=localhost,O=Acme \\\"Quoted\\\" Ünïcode");
        assertThat(cert.getSubjectAlternativeNames())
                .containsExactlyInAnyOrder(List.of(2, "localhost"), List.of(7, "127.0.0.1"));
        assertThat(cert.getExtendedKeyUsage()).containsExactly("1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2");
        assertThat(cert.getBasicConstraints()).isEqualTo(Integer.MAX_VALUE);
        assertThat(cert.getKeyUsage()).startsWith(true, false, true, false, true, true, false, false, false);
        assertThat(cert.getCriticalExtensionOIDs()).containsExactlyInAnyOrder("2.5.29.19", "2.5.29.15");
        assertThat(cert.getNotBefore().toInstant())
                .isBetween(Instant.now().minusSeconds(40), Instant.now().minusSeconds(20));
        assertThat(cert.getPublicKey()).isEqualTo(cert.getPublicKey());
        assertThat(generated.privateKey().getAlgorithm()).isEqualTo("EC");
    }

    @ParameterizedTest
    @EnumSource(ServerCertificate.Curve.class)
    void bouncyCastleParsesTheSameStructure(ServerCertificate.Curve curve) throws Exception {
        ServerCertificate generated = ServerCertificate.generate(curve, "HashiCorp");
        X509CertificateHolder holder =
                new X509CertificateHolder(generated.certificate().getEncoded());

        assertThat(holder.isSignatureValid(new JcaContentVerifierProviderBuilder()
                        .build(generated.certificate().getPublicKey())))
                .isTrue();
        assertThat(holder.getSubject().toString()).isEqualTo("O=HashiCorp,CN=localhost");
        assertThat(BasicConstraints.fromExtensions(holder.getExtensions()).isCA())
                .isTrue();
        assertThat(holder.getExtension(Extension.basicConstraints).isCritical()).isTrue();
        assertThat(KeyUsage.fromExtensions(holder.getExtensions())
                        .hasUsages(KeyUsage.digitalSignature
                                | KeyUsage.keyEncipherment
                                | KeyUsage.keyAgreement
                                | KeyUsage.keyCertSign))
                .isTrue();
        assertThat(ExtendedKeyUsage.fromExtensions(holder.getExtensions()).getUsages())
                .containsExactly(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth);
        GeneralName[] names = GeneralNames.fromExtensions(holder.getExtensions(), Extension.subjectAlternativeName)
                .getNames();
        assertThat(names).hasSize(2);
        assertThat(names[0].getTagNo()).isEqualTo(GeneralName.dNSName);
        assertThat(names[0].getName().toString()).isEqualTo("localhost");
        assertThat(names[1].getTagNo()).isEqualTo(GeneralName.iPAddress);
    }

    @Test
    void freshKeyAndSerialEachTime() throws Exception {
        ServerCertificate a = ServerCertificate.generate();
        ServerCertificate b = ServerCertificate.generate();

        assertThat(a.certificate().getSerialNumber())
                .isNotEqualTo(b.certificate().getSerialNumber());
        assertThat(a.certificate().getPublicKey()).isNotEqualTo(b.certificate().getPublicKey());
    }

    @Test
    void handshakeFieldIsUnpaddedStandardBase64OfTheDer() throws Exception {
        ServerCertificate generated = ServerCertificate.generate();

        assertThat(generated.handshakeField()).doesNotContain("=").doesNotContain("\n");
        assertThat(Base64.getDecoder().decode(generated.handshakeField()))
                .isEqualTo(generated.certificate().getEncoded());
        assertThat(generated.certificatePem())
                .startsWith("-----BEGIN CERTIFICATE-----\n")
                .endsWith("-----END CERTIFICATE-----\n");
        assertThat(generated.privateKeyPem()).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }

    @Test
    void derTimesSwitchToGeneralizedTimeIn2050AndLongLengthsAreEncoded() {
        assertThat(Der.time(ZonedDateTime.of(2049, 12, 31, 23, 59, 59, 0, ZoneOffset.UTC)))
                .isEqualTo(Der.tlv(Der.UTC_TIME, "491231235959Z".getBytes()));
        assertThat(Der.time(ZonedDateTime.of(2050, 1, 2, 3, 4, 5, 999, ZoneOffset.UTC)))
                .isEqualTo(Der.tlv(Der.GENERALIZED_TIME, "20500102030405Z".getBytes()));
        assertThat(Der.tlv(Der.OCTET_STRING, new byte[200])).startsWith(0x04, 0x81, 200);
        assertThat(Der.tlv(Der.OCTET_STRING, new byte[300])).startsWith(0x04, 0x82, 0x01, 0x2c);
        assertThat(Der.oid("1.2.840.10045.4.3.2"))
                .containsExactly(0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02);
    }
}
