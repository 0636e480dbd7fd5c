CREATE SEQUENCE "public"."resource_version_seq" INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 START WITH 1 CACHE 1;--> statement-breakpoint
CREATE TABLE "api_tokens" (
	"id" uuid PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"user_name" text NOT NULL,
	"groups" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "api_tokens_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "change_log" (
	"resource_version" bigint PRIMARY KEY NOT NULL,
	"event_type" text NOT NULL,
	"resource" text NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"object" jsonb NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "image_streams" (
	"uid" uuid PRIMARY KEY NOT NULL,
	"namespace" text NOT NULL,
	"name" text NOT NULL,
	"resource_version" bigint NOT NULL,
	"generation" bigint NOT NULL,
	"creation_timestamp" timestamp with time zone NOT NULL,
	"labels" jsonb,
	"annotations" jsonb,
	"spec_docker_image_repository" text,
	"lookup_local" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
CREATE TABLE "spec_tags" (
	"stream_uid" uuid NOT NULL,
	"name" text NOT NULL,
	"annotations" jsonb,
	"from_kind" text,
	"from_name" text,
	"from_namespace" text,
	"reference" boolean DEFAULT false NOT NULL,
	"generation" bigint,
	"import_insecure" boolean DEFAULT false NOT NULL,
	"import_scheduled" boolean DEFAULT false NOT NULL,
	"import_mode" text NOT NULL,
	"reference_policy_type" text NOT NULL,
	CONSTRAINT "spec_tags_stream_uid_name_pk" PRIMARY KEY("stream_uid","name")
);
--> statement-breakpoint
CREATE TABLE "status_tags" (
	"stream_uid" uuid NOT NULL,
	"tag" text NOT NULL,
	CONSTRAINT "status_tags_stream_uid_tag_pk" PRIMARY KEY("stream_uid","tag")
);
--> statement-breakpoint
CREATE TABLE "tag_conditions" (
	"stream_uid" uuid NOT NULL,
	"tag" text NOT NULL,
	"position" integer NOT NULL,
	"type" text NOT NULL,
	"status" text NOT NULL,
	"last_transition_time" timestamp with time zone NOT NULL,
	"reason" text,
	"message" text,
	"generation" bigint NOT NULL,
	CONSTRAINT "tag_conditions_stream_uid_tag_position_pk" PRIMARY KEY("stream_uid","tag","position")
);
--> statement-breakpoint
CREATE TABLE "tag_events" (
	"stream_uid" uuid NOT NULL,
	"tag" text NOT NULL,
	"position" integer NOT NULL,
	"created" timestamp with time zone NOT NULL,
	"docker_image_reference" text NOT NULL,
	"image" text NOT NULL,
	"generation" bigint NOT NULL,
	CONSTRAINT "tag_events_stream_uid_tag_position_pk" PRIMARY KEY("stream_uid","tag","position")
);
--> statement-breakpoint
ALTER TABLE "spec_tags" ADD CONSTRAINT "spec_tags_stream_uid_image_streams_uid_fk" FOREIGN KEY ("stream_uid") REFERENCES "public"."image_streams"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "status_tags" ADD CONSTRAINT "status_tags_stream_uid_image_streams_uid_fk" FOREIGN KEY ("stream_uid") REFERENCES "public"."image_streams"("uid") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_conditions" ADD CONSTRAINT "tag_conditions_stream_uid_tag_status_tags_stream_uid_tag_fk" FOREIGN KEY ("stream_uid","tag") REFERENCES "public"."status_tags"("stream_uid","tag") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "tag_events" ADD CONSTRAINT "tag_events_stream_uid_tag_status_tags_stream_uid_tag_fk" FOREIGN KEY ("stream_uid","tag") REFERENCES "public"."status_tags"("stream_uid","tag") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "change_log_recorded_at" ON "change_log" USING btree ("recorded_at");--> statement-breakpoint
CREATE UNIQUE INDEX "image_streams_namespace_name" ON "image_streams" USING btree ("namespace","name");--> statement-breakpoint
CREATE INDEX "tag_events_image" ON "tag_events" USING btree ("image");