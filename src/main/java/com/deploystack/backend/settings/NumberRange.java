package com.deploystack.backend.settings;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * What a number setting accepts, as its definition declares it ({@code min}, {@code max}, {@code integer}):
 * a port is a whole number from 1 to 65535. {@link #ANY} for a number without bounds and for other types.
 */
public record NumberRange(BigDecimal min, BigDecimal max, boolean integer) {

    public static final NumberRange ANY = new NumberRange(null, null, false);

    /** Empty when {@code number} is accepted, else what a value must be ("a whole number from 1 to 65535"). */
    public Optional<String> refusal(BigDecimal number) {
        boolean fits = (min == null || number.compareTo(min) >= 0) && (max == null || number.compareTo(max) <= 0)
                       && (!integer || number.stripTrailingZeros().scale() <= 0);
        return fits ? Optional.empty() : Optional.of(describe());
    }

    /** "a whole number from 1 to 65535", "a number of at least 0", …. */
    public String describe() {
        String kind = integer ? "a whole number" : "a number";
        if (min != null && max != null) {
            return kind + " from " + SettingType.numberText(min) + " to " + SettingType.numberText(max);
        }
        if (min != null) {
            return kind + " of at least " + SettingType.numberText(min);
        }
        return max != null ? kind + " of at most " + SettingType.numberText(max) : kind;
    }
}
