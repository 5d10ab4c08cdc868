package dev.kiln.desktop.model.views;

import java.util.List;
import java.util.Map;

/**
 * Tags to set on builds and tag keys to remove from them, as {@link Inputs#tagEdit(String)} reads them.
 *
 * @param set    key to value; a key a build has gets the new value
 * @param remove the keys to remove
 */
public record TagEdit(Map<String, String> set, List<String> remove) {

    public TagEdit {
        set = Map.copyOf(set);
        remove = List.copyOf(remove);
    }
}
