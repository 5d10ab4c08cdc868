package dev.kiln.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.ProgressBar.Unit;

/** How a progress bar is drawn and when: the pure rendering and the redraw throttle, on a fake clock. */
class ProgressBarTest {

    @Test
    void rendersTheFilledShareThePercentageAndTheCounts() {
        assertEquals("sources [------------------------]   0%  0/8", ProgressBar.render("sources", 0, 8, Unit.ITEMS));
        assertEquals("sources [############------------]  50%  4/8", ProgressBar.render("sources", 4, 8, Unit.ITEMS));
        assertEquals("sources [########################] 100%  8/8", ProgressBar.render("sources", 8, 8, Unit.ITEMS));
        assertEquals("sources [########################] 100%  9/8", ProgressBar.render("sources", 9, 8, Unit.ITEMS),
                "more than the total fills the bar, and says so");
    }

    @Test
    void rendersBytesInBinaryUnits() {
        assertEquals("up [######------------------]  25%  512 B/2.0 KiB", ProgressBar.render("up", 512, 2048, Unit.BYTES));
        assertEquals("up [#####################---]  87%  3.5 MiB/4.0 MiB",
                ProgressBar.render("up", 3_670_016, 4_194_304, Unit.BYTES));
        assertEquals("up [------------------------]   0%  0 B/1.5 GiB", ProgressBar.render("up", 0, 1_610_612_736L, Unit.BYTES));
    }

    @Test
    void withoutATotalRendersTheCountOnly() {
        assertEquals("reading  12", ProgressBar.render("reading", 12, 0, Unit.ITEMS));
        assertEquals("sending  1.0 KiB", ProgressBar.render("sending", 1024, -1, Unit.BYTES));
    }

    @Test
    void drawsNothingForAQuickTransfer() {
        AtomicLong clock = new AtomicLong();
        StringWriter err = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), clock::get, "up", 10, Unit.ITEMS)) {
            bar.update(5);
            clock.addAndGet(ProgressBar.DELAY_NANOS - 1);
            bar.update(10);
        }
        assertEquals("", err.toString());
    }

    @Test
    void redrawsInPlaceAtMostTenTimesASecondAndEndsTheLine() {
        AtomicLong clock = new AtomicLong();
        StringWriter err = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), clock::get, "up", 100, Unit.ITEMS)) {
            clock.addAndGet(ProgressBar.DELAY_NANOS);
            bar.update(10);
            assertEquals("\r" + ProgressBar.render("up", 10, 100, Unit.ITEMS), err.toString());
            clock.addAndGet(ProgressBar.REDRAW_NANOS - 1);
            bar.update(20);
            assertEquals(1, err.toString().split("\r", -1).length - 1, "no redraw within 100 ms");
            clock.addAndGet(1);
            bar.update(30);
            assertTrue(err.toString().endsWith("\r" + ProgressBar.render("up", 30, 100, Unit.ITEMS)), err.toString());
            bar.update(100);
        }
        String drawn = err.toString();
        assertTrue(drawn.endsWith("\r" + ProgressBar.render("up", 100, 100, Unit.ITEMS) + "\n"), drawn);
        assertFalse(drawn.substring(0, drawn.length() - 1).contains("\n"), "one line, redrawn in place: " + drawn);
    }

    @Test
    void aShorterDrawingWipesTheLongerOne() {
        AtomicLong clock = new AtomicLong(ProgressBar.DELAY_NANOS);
        StringWriter err = new StringWriter();
        ProgressBar bar = new ProgressBar(new PrintWriter(err), () -> clock.get(), "up", 0, Unit.BYTES);
        clock.set(2 * ProgressBar.DELAY_NANOS);
        bar.update(2048);
        clock.addAndGet(ProgressBar.REDRAW_NANOS);
        bar.update(999);
        assertTrue(err.toString().endsWith("\rup  999 B  "), err.toString().replace("\r", "<CR>"));
    }

    @Test
    void theTransferProgressOfAnUploadSetsTheTotal() {
        AtomicLong clock = new AtomicLong();
        StringWriter err = new StringWriter();
        try (ProgressBar bar = new ProgressBar(new PrintWriter(err), clock::get, "submitting", 0, Unit.BYTES)) {
            clock.addAndGet(ProgressBar.DELAY_NANOS);
            bar.sent(1024, 4096);
        }
        assertEquals("\r" + ProgressBar.render("submitting", 1024, 4096, Unit.BYTES) + "\r"
                + ProgressBar.render("submitting", 1024, 4096, Unit.BYTES) + "\n", err.toString());
    }

    @Test
    void isNotDrawnWhenQuietAsJsonOrWhenStderrIsNoTerminal() {
        StringWriter err = new StringWriter();
        ClientOptions quiet = new ClientOptions();
        quiet.quiet = true;
        ClientOptions json = new ClientOptions();
        json.json = true;
        ClientOptions plain = new ClientOptions();
        for (ClientOptions options : new ClientOptions[] {quiet, json, plain}) {
            try (ProgressBar bar = ProgressBar.start(new PrintWriter(err), options, "up", 10, Unit.ITEMS)) {
                bar.update(5);
            }
        }
        // The tests' stderr is a pipe or a file, never a terminal.
        assertFalse(ProgressBar.stderrIsTerminal());
        assertEquals("", err.toString());
    }
}
