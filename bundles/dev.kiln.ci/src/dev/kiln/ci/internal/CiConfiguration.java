package dev.kiln.ci.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Kiln jobsets", description = "Continuous integration: channels, evaluations, monitors.")
@interface CiConfiguration {

    String PID = "dev.kiln.ci";

    @AttributeDefinition(description = "The coordinator's state directory; jobsets live in its ci/ folder")
    String state_dir();

    @AttributeDefinition(description = "How many channels may be fetched at once")
    int max_concurrent_updates() default 2;

    @AttributeDefinition(description = "How many evaluations may run at once")
    int max_concurrent_evaluations() default 1;

    @AttributeDefinition(description = "An evaluation running longer is killed and fails")
    long evaluation_timeout_seconds() default 3600;

    @AttributeDefinition(description = "How much memory each process of an evaluation may map, in MiB; past it the "
            + "evaluation fails as out of memory. 0 sets no limit")
    long evaluation_memory_mib() default 0;

    @AttributeDefinition(description = "Files of the secrets forges sign their webhooks with, one secret a line; "
            + "without any, every webhook is refused")
    String[] webhook_secret_files() default {};

    @AttributeDefinition(description = "How long the jobset of a closed pull request is kept, disabled, before it goes")
    long pull_request_retention_seconds() default 86400;

    @AttributeDefinition(description = "The client API as the forges' users reach it, for the links of commit statuses")
    String public_url() default "http://127.0.0.1:8746";

    @AttributeDefinition(description = "GitHub's API, to post commit statuses to")
    String github_api_url() default "https://api.github.com";

    @AttributeDefinition(description = "A file whose first line is the GitHub token statuses are posted with; "
            + "without it, none are")
    String github_token_file() default "";

    @AttributeDefinition(description = "Post GitHub check runs instead of commit statuses (the token must be a "
            + "GitHub App's: only apps may create check runs)")
    boolean github_check_runs() default false;

    @AttributeDefinition(description = "How many failed jobs of an evaluation get a commit status of their own, "
            + "besides the evaluation's; 0 for none")
    int failed_job_statuses() default 10;

    @AttributeDefinition(description = "The Gitea or Forgejo server, to post commit statuses to")
    String gitea_url() default "";

    @AttributeDefinition(description = "A file whose first line is the Gitea or Forgejo token")
    String gitea_token_file() default "";

    @AttributeDefinition(description = "The GitLab server, to post commit statuses to")
    String gitlab_url() default "https://gitlab.com";

    @AttributeDefinition(description = "A file whose first line is the GitLab token")
    String gitlab_token_file() default "";
}
