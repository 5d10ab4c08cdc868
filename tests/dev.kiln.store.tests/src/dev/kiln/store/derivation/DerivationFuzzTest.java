package dev.kiln.store.derivation;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kiln.store.Mutations;
import dev.kiln.store.StorePath;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Feeds the parser mutated derivations, with a fixed seed so that a failure
 * can be replayed: the only error that may come out is
 * {@link DerivationFormatException}, and whatever it accepts writes back to
 * the same bytes and can be checked without an unexpected exception.
 */
class DerivationFuzzTest {

    private static final long SEED = 20_261_122L;
    private static final int ROUNDS = 30_000;

    @Test
    void mutatedDerivationsAreRefusedWithTheFormatErrorOrRoundTrip() {
        Random random = new Random(SEED);
        List<StorePath> paths = GoldenDerivations.BASE_NAMES.stream().map(GoldenDerivations::path).toList();
        List<byte[]> texts = paths.stream().map(GoldenDerivations::text).toList();
        DerivationHasher hasher = new DerivationHasher(GoldenDerivations.resolver());
        int accepted = 0;
        int refused = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int which = random.nextInt(texts.size());
            byte[] mutated = Mutations.mutate(texts.get(which), random, 1 + random.nextInt(3));
            try {
                Derivation derivation = Derivation.parse(paths.get(which), mutated);
                accepted++;
                assertArrayEquals(mutated, derivation.toAterm(), "round " + round + " accepted a text it cannot write back");
                hasher.problems(derivation, Optional.of(paths.get(which)));
            } catch (DerivationFormatException e) {
                refused++;
            } catch (RuntimeException | Error e) {
                fail("round " + round + " of seed " + SEED + " threw " + e + " on: " + Mutations.show(mutated), e);
            }
        }
        assertTrue(refused > ROUNDS / 2, "most mutations break the format: " + refused);
        assertTrue(accepted > 0, "some mutations keep it valid (inside strings): " + accepted);
    }
}
