package com.deploystack.backend.settings;

import java.time.Instant;

/**
 * A row of {@code global_settings}. {@code value} is the stored text: for an encrypted setting the ciphertext
 * ({@code v1:…}), or null when it holds no value.
 */
public record StoredSetting(String key, String name, SettingType type, String value, String description,
                            boolean encrypted, String groupId, Instant createdAt, Instant updatedAt) {

    public boolean empty() {
        return value == null || value.isEmpty();
    }

    /** The value in clear: decrypted with {@code cipher} when the setting is encrypted. */
    public String plaintext(SettingsCipher cipher) {
        if (empty()) {
            return encrypted ? "" : value;
        }
        return encrypted ? cipher.decrypt(key, value) : value;
    }
}
