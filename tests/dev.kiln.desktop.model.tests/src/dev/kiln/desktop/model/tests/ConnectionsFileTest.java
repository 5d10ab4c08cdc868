package dev.kiln.desktop.model.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.kiln.desktop.model.views.ConnectionsFile;
import dev.kiln.desktop.model.views.SavedConnection;

class ConnectionsFileTest {

    @Test
    void remembersConnectionsMostRecentFirstInAFileOnlyItsOwnerReads(@TempDir Path home) throws Exception {
        ConnectionsFile file = new ConnectionsFile(home.resolve("kiln/connections.properties"));
        assertEquals(List.of(), file.load());

        SavedConnection local = new SavedConnection(URI.create("http://127.0.0.1:8746"), "");
        SavedConnection farm = new SavedConnection(URI.create("https://farm.example:8746"), "s3cret");
        file.remember(local);
        file.remember(farm);
        file.remember(new SavedConnection(local.coordinator(), "new"));

        assertEquals(List.of(new SavedConnection(local.coordinator(), "new"), farm),
                new ConnectionsFile(file.path()).load());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));

        assertEquals(List.of(farm), file.forget(local.coordinator()));
        assertEquals(List.of(farm), file.load());
    }
}
