package dev.kiln.hooks.example.tagger;

import org.osgi.service.component.annotations.Component;

import dev.kiln.api.Event;
import dev.kiln.api.Tag;
import dev.kiln.hooks.api.Farm;
import dev.kiln.hooks.api.Hook;

/** Tags every succeeded build with {@code checked-by=tagger}. Tagging twice is harmless, as hooks require. */
@Component(property = { Hook.EVENTS + "=build-success", Hook.NAME + "=tagger" })
public final class TaggerHook implements Hook {

    static final Tag CHECKED = new Tag("checked-by", "tagger");

    @Override
    public void handle(Event event, Farm farm) {
        farm.tag(event.buildId(), CHECKED);
    }
}
