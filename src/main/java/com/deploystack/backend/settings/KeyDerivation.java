package com.deploystack.backend.settings;

import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Turns a secret into a 256-bit AES key (PBKDF2-HMAC-SHA256 or HKDF-SHA256) and names a key by an HMAC of it. */
final class KeyDerivation {

    static final String PBKDF2 = "pbkdf2-sha256";
    static final String HKDF = "hkdf-sha256";
    /** OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256. */
    static final int PBKDF2_ITERATIONS = 600_000;
    private static final byte[] HKDF_INFO = "deploystack global settings aes-256-gcm".getBytes(StandardCharsets.UTF_8);
    private static final int HMAC_BLOCK = 64;
    private static final int KEY_BYTES = 32;
    /** INT(1) of RFC 8018: the number of the only block derived. */
    private static final byte[] FIRST_BLOCK = {0, 0, 0, 1};
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

    /**
     * PBKDF2-HMAC-SHA256 (RFC 8018) for one 32-byte block, the HMAC (RFC 2104) built on the JDK's SHA-256. Written here
     * instead of calling the JDK's {@code PBKDF2WithHmacSHA256} because that one allocates arrays in every round: its
     * 600,000 rounds left about 30 MB of garbage in the young generation at every start, a sixth of the resident
     * memory at ready (BENCHMARKS.md). This loop reuses its buffers; {@code KeyDerivationTest} checks that it derives
     * exactly what the JDK's does.
     *
     * <p>Each HMAC hashes one 96-byte buffer, pad then message, and each round is a method of its own
     * ({@link #round}): at a cold start the JIT compiles that small method early, where a loop that fed the pad and
     * the message in separate calls took the compiler about twice as long, and cost a quarter more CPU before it ran
     * at full speed (BENCHMARKS.md).
     */
    static byte[] pbkdf2(byte[] secret, byte[] salt, int iterations) {
        MessageDigest sha256 = sha256();
        byte[] key = secret.length > HMAC_BLOCK ? sha256().digest(secret) : secret;
        // pad | message: the inner hash's message is the previous round's outer hash, and the other way round
        byte[] inner = new byte[HMAC_BLOCK + KEY_BYTES];
        byte[] outer = new byte[HMAC_BLOCK + KEY_BYTES];
        for (int i = 0; i < HMAC_BLOCK; i++) {
            byte k = i < key.length ? key[i] : 0;
            inner[i] = (byte) (k ^ 0x36);
            outer[i] = (byte) (k ^ 0x5c);
        }
        byte[] result = new byte[KEY_BYTES];
        try {
            // the first round's message is salt | INT(1)
            sha256.update(inner, 0, HMAC_BLOCK);
            sha256.update(salt);
            sha256.update(FIRST_BLOCK);
            sha256.digest(outer, HMAC_BLOCK, KEY_BYTES);
            sha256.update(outer);
            sha256.digest(inner, HMAC_BLOCK, KEY_BYTES);
            System.arraycopy(inner, HMAC_BLOCK, result, 0, KEY_BYTES);
            for (int i = 2; i <= iterations; i++) {
                round(sha256, inner, outer, result);
            }
            return result;
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 refused a 32-byte output buffer", e);
        } finally {
            Arrays.fill(inner, (byte) 0);
            Arrays.fill(outer, (byte) 0);
        }
    }

    /** One round: U = HMAC(key, previous U), XORed into {@code result}; U is left at the end of {@code inner}. */
    private static void round(MessageDigest sha256, byte[] inner, byte[] outer, byte[] result) throws DigestException {
        sha256.update(inner);
        sha256.digest(outer, HMAC_BLOCK, KEY_BYTES);
        sha256.update(outer);
        sha256.digest(inner, HMAC_BLOCK, KEY_BYTES);
        for (int j = 0; j < KEY_BYTES; j++) {
            result[j] ^= inner[HMAC_BLOCK + j];
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
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
