package com.deploystack.backend.settings;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;

/** Turns a secret into a 256-bit AES key (PBKDF2-HMAC-SHA256 or HKDF-SHA256) and names a key by an HMAC of it. */
final class KeyDerivation {

    static final String PBKDF2 = "pbkdf2-sha256";
    static final String HKDF = "hkdf-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    static final int PBKDF2_ITERATIONS = 600_000;
    private static final byte[] HKDF_INFO = "deploystack global settings aes-256-gcm".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEY_ID_LABEL = "deploystack global settings key id".getBytes(StandardCharsets.UTF_8);

    private KeyDerivation() {
    }

    static byte[] derive(String kdf, byte[] secret, byte[] salt, int iterations) {
        return switch (kdf) {
            case PBKDF2 -> pbkdf2(secret, salt, iterations);
            case HKDF -> hkdf(secret, salt);
            default -> throw new SettingsEncryptionException("Unknown key derivation \"" + kdf + "\" in"
                                                             + " global_settings_keys.");
        };
    }

    /** A short public name of {@code key}: the first 8 bytes of HMAC-SHA256(key, label), in hex. */
    static String keyId(byte[] key) {
        byte[] mac = hmac(key, KEY_ID_LABEL);
        return HexFormat.of().formatHex(mac, 0, 8);
    }

    private static byte[] pbkdf2(byte[] secret, byte[] salt, int iterations) {
        CharBuffer chars = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(secret));
        char[] password = new char[chars.remaining()];
        chars.get(password);
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, 256);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is not available", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(password, '\0');
        }
    }

    /** RFC 5869 with one output block (32 bytes): PRK = HMAC(salt, secret), OKM = HMAC(PRK, info | 0x01). */
    private static byte[] hkdf(byte[] secret, byte[] salt) {
        byte[] prk = hmac(salt, secret);
        byte[] info = Arrays.copyOf(HKDF_INFO, HKDF_INFO.length + 1);
        info[info.length - 1] = 1;
        return hmac(prk, info);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available", e);
        }
    }
}
