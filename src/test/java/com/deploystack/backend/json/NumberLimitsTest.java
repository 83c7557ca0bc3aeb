package com.deploystack.backend.json;

import java.io.StringReader;
import java.math.BigDecimal;

import jakarta.json.JsonReader;
import jakarta.json.JsonValue;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.is;

class NumberLimitsTest {

    @ParameterizedTest(name = "{0}: {1}")
    @CsvSource(delimiter = '|', textBlock = """
            0                                                                  | true
            65535                                                              | true
            -1.5                                                               | true
            1e63                                                               | true
            1e64                                                               | false
            1e-63                                                              | true
            1e-64                                                              | false
            1e999999999                                                        | false
            -1E-999999999                                                      | false
            9999999999999999999999999999999999999999999999999999999999999999   | true
            99999999999999999999999999999999999999999999999999999999999999999  | false
            0.0000000000000000000000000000000000000000000000000000000000000001 | false
            """)
    void aNumberFitsWhenItsWrittenOutFormHasAtMost64Digits(String number, boolean fits) {
        assertThat(NumberLimits.fits(new BigDecimal(number)), is(fits));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            {"a":1,"b":[1,2,{"c":3.5}]}                | false
            {"a":"1e999999999"}                        | false
            {"a":1e999999999}                          | true
            {"a":[[[[{"b":[0,1e-999]}]]]]}             | true
            [1,2,3]                                    | false
            """)
    void anOversizedNumberIsFoundAnywhereInTheDocument(String json, boolean oversized) {
        try (JsonReader reader = JsonFactory.reader(new StringReader(json))) {
            JsonValue value = reader.readValue();
            assertThat(NumberLimits.oversized(value).isPresent(), is(oversized));
        }
    }
}
