package io.rpcnet.protocol;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link Metadata} allocates its map only on the first put; none of that may show through its API. */
class MetadataTest {

    @Test
    void aFreshMetadataIsEmptyAndAnswersLookups() {
        Metadata m = new Metadata();
        assertThat(m.isEmpty()).isTrue();
        assertThat(m.size()).isZero();
        assertThat(m.get("anything")).isNull();
        assertThat(m.asMap()).isEmpty();
        assertThat(m).hasToString("{}");
    }

    @Test
    void putNormalisesKeysAndKeepsOrder() {
        Metadata m = new Metadata().put("B-Key", "1").put("a", null).put("b-key", "2");
        assertThat(m.asMap()).containsExactly(Map.entry("b-key", "2"), Map.entry("a", ""));
        assertThat(m.get("B-KEY")).isEqualTo("2");
    }

    @Test
    void anUnmodifiableViewTakenBeforeTheFirstPutShowsLaterPuts() {
        Metadata m = new Metadata();
        Metadata view = m.unmodifiable();
        m.put("k", "v");
        assertThat(view.get("k")).isEqualTo("v");
        assertThatThrownBy(() -> view.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aCopyIsIndependentEvenWhenEmpty() {
        Metadata empty = new Metadata();
        Metadata copy = empty.copy();
        copy.put("k", "v");
        assertThat(empty.isEmpty()).isTrue();
        Metadata full = new Metadata().put("a", "1");
        Metadata fullCopy = full.copy().put("b", "2");
        assertThat(full.asMap()).containsOnlyKeys("a");
        assertThat(fullCopy.asMap()).containsOnlyKeys("a", "b");
    }

    @Test
    void theSharedEmptyInstanceRefusesPuts() {
        assertThatThrownBy(() -> Metadata.empty().put("k", "v")).isInstanceOf(UnsupportedOperationException.class);
        assertThat(Metadata.empty().isEmpty()).isTrue();
    }

    @Test
    void invalidKeysAreRefused() {
        assertThatThrownBy(() -> new Metadata().put("", "v")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Metadata().put("bad key", "v")).isInstanceOf(IllegalArgumentException.class);
    }
}
