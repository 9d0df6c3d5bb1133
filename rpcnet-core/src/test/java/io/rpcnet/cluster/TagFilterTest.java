package io.rpcnet.cluster;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TagFilterTest {

    @Test
    void parsesAndMatchesAllRequiredTags() {
        TagFilter f = TagFilter.parse("role=worker,zone=eu");

        assertThat(f.required()).containsExactly(Map.entry("role", "worker"), Map.entry("zone", "eu"));
        assertThat(f.matches(Map.of("role", "worker", "zone", "eu", "label", "blue"))).isTrue();
        assertThat(f.matches(Map.of("role", "worker", "zone", "us"))).isFalse();
        assertThat(f.matches(Map.of("role", "worker"))).isFalse();
        assertThat(f.matches(Map.of())).isFalse();
    }

    @Test
    void toleratesWhitespaceAroundEntriesKeysAndValues() {
        TagFilter f = TagFilter.parse("  role = worker ,\tzone=eu west  ");

        assertThat(f.required()).containsExactly(Map.entry("role", "worker"), Map.entry("zone", "eu west"));
        assertThat(f.toString()).isEqualTo("role=worker,zone=eu west");
    }

    @ParameterizedTest
    @ValueSource(strings = {"role=worker,zone=eu", "zone=eu,role=worker", "a=1", "label=x:y/z", ""})
    void toStringRoundTrips(String text) {
        TagFilter f = TagFilter.parse(text);

        assertThat(f.toString()).isEqualTo(text);
        assertThat(TagFilter.parse(f.toString())).isEqualTo(f).hasSameHashCodeAs(f);
    }

    @Test
    void equalityIgnoresOrderAndMapConstructionMatchesParsing() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("zone", "eu");
        m.put("role", "worker");

        assertThat(TagFilter.of(m)).isEqualTo(TagFilter.parse("role=worker,zone=eu"));
        assertThat(TagFilter.of("role", "worker").and("zone", "eu")).isEqualTo(TagFilter.of(m));
        assertThat(TagFilter.of(m)).isNotEqualTo(TagFilter.parse("role=worker"));
    }

    @Test
    void blankAndEmptyMatchEverything() {
        assertThat(TagFilter.parse("")).isSameAs(TagFilter.ANY);
        assertThat(TagFilter.parse("   ")).isSameAs(TagFilter.ANY);
        assertThat(TagFilter.of(Map.of())).isSameAs(TagFilter.ANY);
        assertThat(TagFilter.ANY.matches(Map.of())).isTrue();
        assertThat(TagFilter.ANY.isAny()).isTrue();
        assertThat(TagFilter.ANY.toString()).isEmpty();
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', value = {
            "role                | entry 1 'role' has no '=' (expected key=value)",
            "=x                  | entry 1 '=x' has an empty key",
            "role=               | entry 1 'role=' has an empty value",
            "role=worker,zone    | entry 2 'zone' has no '=' (expected key=value)",
            "role=worker,,zone=eu| entry 2 is empty (expected key=value)",
            "role=worker,        | entry 2 is empty (expected key=value)",
            "',role=worker'      | entry 1 is empty (expected key=value)",
            "a=b=c               | entry 1 'a=b=c' has more than one '='",
            "role=a,role=b       | entry 2 repeats key 'role'",
            "' = '               | entry 1 '=' has an empty key",
    })
    void rejectsMalformedInputPrecisely(String text, String expected) {
        assertThatThrownBy(() -> TagFilter.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tag filter \"" + text + "\", " + expected);
    }

    @Test
    void rejectsInvalidTagsInMaps() {
        assertThatThrownBy(() -> TagFilter.of("", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("tag key must not be empty");
        assertThatThrownBy(() -> TagFilter.of("role", "a,b")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("value of tag 'role' must not contain ','");
        assertThatThrownBy(() -> TagFilter.of(" role", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("whitespace");
    }
}
