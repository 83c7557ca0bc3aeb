package com.deploystack.backend.settings;

import java.math.BigDecimal;
import java.util.Locale;
import java.util.Optional;

import com.deploystack.backend.json.NumberLimits;

/**
 * The type of a setting. Values are stored as text in {@code global_settings.value}: strings as they are,
 * numbers in plain decimal notation ({@code 587}, {@code 1.5}), booleans as {@code true} / {@code false}.
 */
public enum SettingType {
    STRING, NUMBER, BOOLEAN;

    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<SettingType> of(String text) {
        for (SettingType type : values()) {
            if (type.text().equals(text)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /** The stored text of {@code number}. */
    public static String numberText(BigDecimal number) {
        BigDecimal stripped = number.stripTrailingZeros();
        return (stripped.scale() < 0 ? stripped.setScale(0) : stripped).toPlainString();
    }

    /**
     * Parses a stored or sent number; empty when {@code text} is not a decimal number of at most
     * {@value NumberLimits#MAX_DIGITS} digits written out ({@code "1e999999999"} is refused before it expands).
     */
    public static Optional<BigDecimal> parseNumber(String text) {
        try {
            return Optional.of(new BigDecimal(text.strip())).filter(NumberLimits::fits);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
