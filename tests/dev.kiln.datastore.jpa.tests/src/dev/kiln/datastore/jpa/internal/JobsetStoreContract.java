package dev.kiln.datastore.jpa.internal;

import static dev.kiln.datastore.jpa.internal.Fixtures.T0;
import static dev.kiln.datastore.jpa.internal.Fixtures.storePath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.kiln.api.EventType;
import dev.kiln.api.datastore.EvaluationBuild;
import dev.kiln.api.datastore.StoredEvaluation;
import dev.kiln.api.datastore.StoredJobset;

/**
 * What every database must do with jobsets, evaluations and the builds of evaluations, written once; each subclass
 * supplies a fresh database per test.
 */
abstract class JobsetStoreContract {

    private DatastoreOptions options;
    private JpaDatastore datastore;

    /** A new, empty database. */
    abstract DatastoreOptions newDatabase() throws Exception;

    @BeforeEach
    void open() throws Exception {
        options = newDatabase();
        datastore = JpaDatastore.open(options);
    }

    @AfterEach
    void close() {
        if (datastore != null) {
            datastore.close();
        }
    }

    @Test
    void storesReplacesAndRemovesJobsetsAcrossARestart() {
        String longDefinition = "{\"command\":\"" + "x".repeat(50_000) + "\"}";
        datastore.write(tx -> {
            tx.saveJobset(new StoredJobset("web", "{\"enabled\":true}"));
            tx.saveJobset(new StoredJobset("api", longDefinition));
            return null;
        });
        datastore.write(tx -> {
            tx.saveJobset(new StoredJobset("web", "{\"enabled\":false}"));
            return null;
        });
        reopen();

        assertEquals(List.of(new StoredJobset("api", longDefinition), new StoredJobset("web", "{\"enabled\":false}")),
                datastore.read(r -> r.jobsets()));
        assertTrue(datastore.write(tx -> tx.deleteJobset("web")));
        assertFalse(datastore.write(tx -> tx.deleteJobset("web")));
        assertEquals(List.of("api"), datastore.read(r -> r.jobsets()).stream().map(StoredJobset::name).toList());
    }

    @Test
    void keepsEvaluationsNewestFirstWithTheLatestOfEachJobset() {
        StoredEvaluation running = new StoredEvaluation(1, "web", Map.of("src", "a".repeat(40)), T0, null, 0, 0, null);
        StoredEvaluation other = new StoredEvaluation(2, "api", Map.of(), T0, T0.plusSeconds(1), 0, 0, "no branch");
        StoredEvaluation second = new StoredEvaluation(3, "web", Map.of("src", "b".repeat(40), "lib", "c".repeat(40)),
                T0.plusSeconds(5), null, 0, 0, null);
        datastore.write(tx -> {
            tx.saveEvaluation(running);
            tx.saveEvaluation(other);
            tx.saveEvaluation(second);
            return null;
        });
        StoredEvaluation finished = new StoredEvaluation(1, "web", running.commits(), T0, T0.plusSeconds(9), 12, 7,
                null);
        datastore.write(tx -> {
            tx.saveEvaluation(finished);
            return null;
        });
        reopen();

        assertEquals(finished, datastore.read(r -> r.evaluation(1)).orElseThrow());
        assertEquals(null, finished.reportedAt(), "a final status not reported yet is followed again at a start");
        StoredEvaluation reported = finished.withReportedAt(T0.plusSeconds(20));
        datastore.write(tx -> {
            tx.saveEvaluation(reported);
            return null;
        });
        reopen();
        assertEquals(reported, datastore.read(r -> r.evaluation(1)).orElseThrow());
        datastore.write(tx -> {
            tx.saveEvaluation(finished);
            return null;
        });
        assertEquals(other, datastore.read(r -> r.evaluation(2)).orElseThrow(), "an error is kept, commits may be none");
        assertTrue(datastore.read(r -> r.evaluation(4)).isEmpty());
        assertEquals(List.of(second, finished), datastore.read(r -> r.evaluationsOfJobset("web", 10)));
        assertEquals(List.of(second), datastore.read(r -> r.evaluationsOfJobset("web", 1)));
        assertEquals(Map.of("web", second, "api", other), datastore.read(r -> r.latestEvaluations()));
        assertEquals(3, datastore.read(r -> r.latestEvaluationId()));
    }

    @Test
    void keepsTheBuildsOfAnEvaluationInTheOrderFoundAndOnceEach() {
        EvaluationBuild a = new EvaluationBuild(storePath("a.drv"), UUID.randomUUID());
        EvaluationBuild b = new EvaluationBuild(storePath("b.drv"), UUID.randomUUID());
        EvaluationBuild c = new EvaluationBuild(storePath("c.drv"), UUID.randomUUID());
        datastore.write(tx -> {
            tx.saveEvaluation(new StoredEvaluation(7, "web", Map.of(), T0, null, 0, 0, null));
            tx.insertEvaluationBuilds(7, List.of(b, a));
            return null;
        });
        datastore.write(tx -> {
            tx.insertEvaluationBuilds(7, List.of(a, c, c));
            return null;
        });

        assertEquals(List.of(b, a, c), datastore.read(r -> r.evaluationBuilds(7)));
        assertEquals(List.of(), datastore.read(r -> r.evaluationBuilds(8)));

        datastore.write(tx -> {
            tx.saveEvaluation(new StoredEvaluation(9, "api", Map.of(), T0, null, 0, 0, null));
            tx.insertEvaluationBuilds(9, List.of(a));
            return null;
        });
        assertEquals(List.of(7L, 9L), datastore.read(r -> r.evaluationsWithBuild(a.buildId())),
                "a build two evaluations found, as when a jobset reuses the build of another");
        assertEquals(List.of(7L), datastore.read(r -> r.evaluationsWithBuild(c.buildId())));
        assertEquals(List.of(), datastore.read(r -> r.evaluationsWithBuild(UUID.randomUUID())));
    }

    @Test
    void recordsAnEvaluationAndItsEventInOneTransaction() {
        StoredEvaluation evaluation = new StoredEvaluation(1, "web", Map.of(), T0, null, 0, 0, null);
        try {
            datastore.write(tx -> {
                tx.saveEvaluation(evaluation);
                tx.appendEvent(EventType.EVALUATION_STARTED, T0, null, null, Map.of("jobset", "web"));
                throw new IllegalStateException("rolled back");
            });
        } catch (IllegalStateException expected) {
            // the evaluation and its event go together
        }
        assertTrue(datastore.read(r -> r.evaluation(1)).isEmpty());
        assertEquals(0, datastore.read(r -> r.latestEventId()));

        datastore.write(tx -> {
            tx.saveEvaluation(evaluation);
            tx.appendEvent(EventType.EVALUATION_STARTED, T0, null, null, Map.of("jobset", "web", "evaluation", "1"));
            return null;
        });
        reopen();
        assertEquals(EventType.EVALUATION_STARTED, datastore.read(r -> r.eventsAfter(0, 10)).get(0).type());
        assertEquals(Map.of("jobset", "web", "evaluation", "1"), datastore.read(r -> r.eventsAfter(0, 10)).get(0).data());
    }

    private void reopen() {
        datastore.close();
        datastore = JpaDatastore.open(options);
    }
}
