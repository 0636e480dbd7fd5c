CREATE TABLE "image_layers" (
	"image_name" text NOT NULL,
	"position" integer NOT NULL,
	"name" text NOT NULL,
	"size" bigint NOT NULL,
	"media_type" text NOT NULL,
	CONSTRAINT "image_layers_image_name_position_pk" PRIMARY KEY("image_name","position")
);
--> statement-breakpoint
CREATE TABLE "image_manifests" (
	"image_name" text NOT NULL,
	"position" integer NOT NULL,
	"digest" text NOT NULL,
	"media_type" text NOT NULL,
	"manifest_size" bigint NOT NULL,
	"architecture" text NOT NULL,
	"os" text NOT NULL,
	"variant" text,
	CONSTRAINT "image_manifests_image_name_position_pk" PRIMARY KEY("image_name","position")
);
--> statement-breakpoint
CREATE TABLE "image_signatures" (
	"image_name" text NOT NULL,
	"name" text NOT NULL,
	"uid" uuid NOT NULL,
	"creation_timestamp" timestamp with time zone NOT NULL,
	"type" text NOT NULL,
	"content" text NOT NULL,
	"conditions" jsonb,
	"image_identity" text,
	"signed_claims" jsonb,
	"created" timestamp with time zone,
	"issued_by" jsonb,
	"issued_to" jsonb,
	CONSTRAINT "image_signatures_image_name_name_pk" PRIMARY KEY("image_name","name")
);
--> statement-breakpoint
CREATE TABLE "images" (
	"name" text PRIMARY KEY NOT NULL,
	"uid" uuid NOT NULL,
	"resource_version" bigint NOT NULL,
	"creation_timestamp" timestamp with time zone NOT NULL,
	"labels" jsonb,
	"annotations" jsonb,
	"docker_image_reference" text NOT NULL,
	"docker_image_metadata" jsonb NOT NULL,
	"docker_image_metadata_version" text NOT NULL,
	"docker_image_manifest" text,
	"docker_image_manifest_media_type" text,
	"docker_image_config" text,
	"docker_image_signatures" jsonb,
	"os" text
);
--> statement-breakpoint
ALTER TABLE "image_layers" ADD CONSTRAINT "image_layers_image_name_images_name_fk" FOREIGN KEY ("image_name") REFERENCES "public"."images"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_manifests" ADD CONSTRAINT "image_manifests_image_name_images_name_fk" FOREIGN KEY ("image_name") REFERENCES "public"."images"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "image_signatures" ADD CONSTRAINT "image_signatures_image_name_images_name_fk" FOREIGN KEY ("image_name") REFERENCES "public"."images"("name") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "image_manifests_digest" ON "image_manifests" USING btree ("digest");