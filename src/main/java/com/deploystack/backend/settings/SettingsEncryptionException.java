package com.deploystack.backend.settings;

/**
 * The encryption of settings cannot work as asked: a wrong or too short secret, a value that fails
 * authentication. The message says what to do and never holds a secret or a value.
 */
public final class SettingsEncryptionException extends RuntimeException {

    SettingsEncryptionException(String message) {
        super(message);
    }
}
