package com.deploystack.backend.settings;

import java.math.BigDecimal;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class NumberRangeTest {

    private static final NumberRange PORT = new NumberRange(BigDecimal.ONE, BigDecimal.valueOf(65535), true);

    @ParameterizedTest(name = "{0}")
    @CsvSource(textBlock = """
            1, true
            587, true
            65535, true
            587.0, true
            6.5e1, true
            0, false
            65536, false
            -1, false
            587.5, false
            1e5, false
            """)
    void aPortIsAWholeNumberFrom1To65535(String value, boolean accepted) {
        Optional<String> refusal = PORT.refusal(new BigDecimal(value));
        assertThat(refusal.isEmpty(), is(accepted));
        refusal.ifPresent(expected -> assertThat(expected, is("a whole number from 1 to 65535")));
    }

    @Test
    void eachBoundDescribesItselfAndAnyAcceptsEverything() {
        assertThat(new NumberRange(BigDecimal.ZERO, null, false).refusal(new BigDecimal("-0.1")),
                   is(Optional.of("a number of at least 0")));
        assertThat(new NumberRange(null, new BigDecimal("2.5"), false).refusal(new BigDecimal("3")),
                   is(Optional.of("a number of at most 2.5")));
        assertThat(new NumberRange(null, null, true).refusal(new BigDecimal("0.5")), is(Optional.of("a whole number")));
        assertThat(NumberRange.ANY.refusal(new BigDecimal("-123456789.123")), is(Optional.empty()));
    }

    @Test
    void storedNumbersAreWrittenPlainAndHugeOnesAreNotNumbers() {
        assertThat(SettingType.numberText(new BigDecimal("6.50e1")), is("65"));
        assertThat(SettingType.numberText(new BigDecimal("1.50")), is("1.5"));
        assertThat(SettingType.parseNumber(" 587 "), is(Optional.of(new BigDecimal("587"))));
        assertThat(SettingType.parseNumber("1e999999999"), is(Optional.empty()));
        assertThat(SettingType.parseNumber("abc"), is(Optional.empty()));
    }
}
