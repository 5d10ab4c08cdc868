package dev.kiln.ci.internal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.util.FS;

import dev.kiln.ci.Channel;

/** Brings a channel's checkout to the head of its branch with JGit. */
final class Checkouts {

    private final Path root;

    /** @param root where checkouts are kept, one directory per jobset and channel */
    Checkouts(Path root) {
        this.root = root;
        // JGit measures the file system's timestamp resolution in the common fork-join pool and waits for it; with
        // two cores that pool has one thread, which anything long-running can hold. Measure on the caller instead.
        FS.FileStoreAttributes.setBackground(false);
    }

    Path directory(String jobset, Channel channel) {
        return root.resolve(jobset).resolve(channel.name());
    }

    /**
     * Clones the channel, or fetches its branch and resets the checkout to it.
     *
     * @return the commit now checked out
     */
    String update(String jobset, Channel channel) throws IOException, GitAPIException {
        Path directory = directory(jobset, channel);
        if (!Files.isDirectory(directory.resolve(".git"))) {
            Files.createDirectories(directory.getParent());
            deleteRecursively(directory);
            try (Git git = Git.cloneRepository()
                    .setURI(channel.url())
                    .setBranch(channel.branch())
                    .setDirectory(directory.toFile())
                    .call()) {
                return head(git);
            }
        }
        try (Git git = Git.open(directory.toFile())) {
            String remoteBranch = "refs/remotes/origin/" + channel.branch();
            git.fetch()
                    .setRemote("origin")
                    .setRefSpecs("+refs/heads/" + channel.branch() + ":" + remoteBranch)
                    .call();
            git.reset().setMode(ResetType.HARD).setRef(remoteBranch).call();
            return head(git);
        }
    }

    private static String head(Git git) throws IOException {
        ObjectId head = git.getRepository().resolve("HEAD");
        if (head == null) {
            throw new IOException("the branch has no commit");
        }
        return head.name();
    }

    private static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (var paths = Files.walk(directory)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
