package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.TagEdit;

class InputsTest {

    @Test
    void readsTagsSystemsAndPriorities() {
        assertEquals(Map.of("jobset", "main", "team", "core"), Inputs.tags(" jobset=main, team=core "));
        assertEquals(Map.of(), Inputs.tags(""));
        assertEquals(List.of("x86_64-linux", "aarch64-linux"), Inputs.systems("x86_64-linux, aarch64-linux"));
        assertEquals(-3, Inputs.priority(" -3 "));
        assertEquals("http://farm:8746", Inputs.coordinator(" http://farm:8746 ").toString());
    }

    @Test
    void readsTagsToSetAndKeysToRemove() {
        TagEdit edit = Inputs.tagEdit(" release=24.11, -old  team=ci ");
        assertEquals(Map.of("release", "24.11", "team", "ci"), edit.set());
        assertEquals(List.of("old"), edit.remove());
        assertThrows(IllegalArgumentException.class, () -> Inputs.tagEdit("  "));
        assertThrows(IllegalArgumentException.class, () -> Inputs.tagEdit("-"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.tagEdit("novalue"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"=v", "novalue", "a=b c"})
    void refusesATagWithoutKeyOrValue(String text) {
        assertThrows(IllegalArgumentException.class, () -> Inputs.tags(text));
    }

    @Test
    void refusesWhatIsNotANumberSystemOrUrl() {
        assertThrows(IllegalArgumentException.class, () -> Inputs.priority("high"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.systems(" , "));
        assertThrows(IllegalArgumentException.class, () -> Inputs.coordinator("farm:8746"));
        assertThrows(IllegalArgumentException.class, () -> Inputs.coordinator("http://"));
    }
}
