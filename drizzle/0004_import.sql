CREATE TABLE "import_jobs" (
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"lease_until" timestamp with time zone,
	"seq" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "import_jobs_namespace_name_kind_pk" PRIMARY KEY("namespace","name","kind")
);
--> statement-breakpoint
CREATE TABLE "import_scanner" (
	"id" integer PRIMARY KEY NOT NULL,
	"recorded_after" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "pull_secrets" (
	"uid" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"resource_version" bigint NOT NULL,
	"creation_timestamp" timestamp with time zone NOT NULL,
	"annotations" jsonb,
	"key_id" text NOT NULL,
	"sealed_data" text NOT NULL
);
--> statement-breakpoint
CREATE INDEX "import_jobs_due" ON "import_jobs" USING btree ("due_at");--> statement-breakpoint
CREATE UNIQUE INDEX "pull_secrets_namespace_name" ON "pull_secrets" USING btree ("namespace","name");