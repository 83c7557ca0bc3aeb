package com.deploystack.backend.db;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How the connection to PostgreSQL uses TLS; the values are libpq's and pgjdbc's {@code sslmode}. */
public enum SslMode {
    /** Plain TCP. */
    DISABLE("disable"),
    /** Encrypted, any server certificate accepted (the spec's {@code rejectUnauthorized: false}). */
    REQUIRE("require"),
    /** Encrypted, the certificate must chain to the configured CA. */
    VERIFY_CA("verify-ca"),
    /** Encrypted, the certificate must chain to the configured CA and name the host connected to. */
    VERIFY_FULL("verify-full");

    private final String value;

    SslMode(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    public boolean encrypted() {
        return this != DISABLE;
    }

    public boolean verifiesCertificate() {
        return this == VERIFY_CA || this == VERIFY_FULL;
    }

    public static Optional<SslMode> parse(String text) {
        String wanted = text.toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(mode -> mode.value.equals(wanted)).findFirst();
    }
}
