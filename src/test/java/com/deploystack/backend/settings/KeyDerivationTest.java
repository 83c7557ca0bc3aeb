package com.deploystack.backend.settings;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.List;

import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

import org.junit.jupiter.api.Test;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

/** The service's own PBKDF2 loop derives exactly what the JDK's {@code PBKDF2WithHmacSHA256} does. */
class KeyDerivationTest {

    private static final HexFormat HEX = HexFormat.of();

    @Test
    void pbkdf2MatchesTheJdkForShortLongAndNonAsciiSecrets() throws GeneralSecurityException {
        List<String> secrets = List.of("a-chosen-secret-0123456789",
                                       "ünïcödé-passphrase-ß-€-日本語",
                                       "x".repeat(64),            // exactly one HMAC block: used as the key as it is
                                       "y".repeat(65),            // longer than a block: hashed first
                                       "z".repeat(300));
        List<byte[]> salts = List.of(new byte[16], HEX.parseHex("00112233445566778899aabbccddeeff"), new byte[] {7});
        for (String secret : secrets) {
            for (byte[] salt : salts) {
                for (int iterations : new int[] {1, 2, 3, 1000}) {
                    assertThat(secret + " / " + HEX.formatHex(salt) + " / " + iterations,
                               HEX.formatHex(KeyDerivation.pbkdf2(secret.getBytes(StandardCharsets.UTF_8), salt,
                                                                  iterations)),
                               is(HEX.formatHex(jdk(secret, salt, iterations))));
                }
            }
        }
    }

    @Test
    void pbkdf2MatchesTheJdkAtTheStrengthUsedForChosenSecrets() throws GeneralSecurityException {
        byte[] salt = HEX.parseHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeaf");
        String secret = "bench-start-shared-secret-0123456789";
        assertThat(HEX.formatHex(KeyDerivation.derive(KeyDerivation.PBKDF2, secret.getBytes(StandardCharsets.UTF_8),
                                                      salt, KeyDerivation.PBKDF2_ITERATIONS)),
                   is(HEX.formatHex(jdk(secret, salt, KeyDerivation.PBKDF2_ITERATIONS))));
    }

    /** RFC 7914 section 11's PBKDF2-HMAC-SHA256 vector ("passwd", "salt", c = 1), its first 32 bytes. */
    @Test
    void pbkdf2MatchesThePublishedVector() {
        assertThat(HEX.formatHex(KeyDerivation.pbkdf2("passwd".getBytes(StandardCharsets.US_ASCII),
                                                       "salt".getBytes(StandardCharsets.US_ASCII), 1)),
                   is("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"));
    }

    private static byte[] jdk(String secret, byte[] salt, int iterations) throws GeneralSecurityException {
        PBEKeySpec spec = new PBEKeySpec(secret.toCharArray(), salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } finally {
            spec.clearPassword();
        }
    }
}
