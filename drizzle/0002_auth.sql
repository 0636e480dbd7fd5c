CREATE TABLE "role_bindings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"role" text NOT NULL,
	"subject_kind" text NOT NULL,
	"subject_name" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "role_bindings_unique" ON "role_bindings" USING btree ("namespace","role","subject_kind","subject_name");--> statement-breakpoint
CREATE INDEX "role_bindings_subject" ON "role_bindings" USING btree ("subject_kind","subject_name");