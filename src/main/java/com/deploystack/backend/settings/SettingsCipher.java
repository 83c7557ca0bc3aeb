package com.deploystack.backend.settings;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for setting values. A stored value is {@code v1:<key id>:<base64(nonce | ciphertext | tag)>} with a
 * fresh random 96-bit nonce; the version, the key id and the setting's key are the associated data, so a value
 * copied onto another setting, or read with another key, fails instead of decrypting to garbage.
 */
public final class SettingsCipher {

    static final String VERSION = "v1";
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String keyId;
    private final SecretKeySpec key;

    SettingsCipher(String keyId, byte[] key) {
        this.keyId = keyId;
        this.key = new SecretKeySpec(key, "AES");
    }

    public String keyId() {
        return keyId;
    }

    public String encrypt(String settingKey, String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, settingKey);
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] stored = ByteBuffer.allocate(nonce.length + sealed.length).put(nonce).put(sealed).array();
            return VERSION + ":" + keyId + ":" + Base64.getEncoder().encodeToString(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM encryption failed", e);
        }
    }

    public String decrypt(String settingKey, String stored) {
        String[] parts = stored.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new SettingsEncryptionException("The stored value of " + settingKey + " is not an encrypted value"
                                                  + " (expected " + VERSION + ":<key id>:<data>).");
        }
        if (!parts[1].equals(keyId)) {
            throw new SettingsEncryptionException("The value of " + settingKey + " is encrypted under key " + parts[1]
                                                  + ", but this process uses key " + keyId + ". Was the key rotated?"
                                                  + " Restart with the secret the rotation moved to.");
        }
        byte[] data;
        try {
            data = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw tampered(settingKey);
        }
        if (data.length < NONCE_BYTES + TAG_BITS / 8) {
            throw tampered(settingKey);
        }
        try {
            byte[] nonce = Arrays.copyOf(data, NONCE_BYTES);
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, settingKey);
            return new String(cipher.doFinal(data, NONCE_BYTES, data.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw tampered(settingKey);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM decryption failed", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String settingKey) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        cipher.updateAAD((VERSION + ":" + keyId + ":" + settingKey).getBytes(StandardCharsets.UTF_8));
        return cipher;
    }

    private static SettingsEncryptionException tampered(String settingKey) {
        return new SettingsEncryptionException("The encrypted value of " + settingKey + " failed authentication: it"
                                               + " was modified, or copied from another setting or database.");
    }
}
