/* placeholder until the application class lands */
#include "config.h"
#include "kz-application.h"

struct _KzApplication { AdwApplication parent_instance; KzContext *context; };
G_DEFINE_FINAL_TYPE (KzApplication, kz_application, ADW_TYPE_APPLICATION)
static void kz_application_class_init (KzApplicationClass *klass) { }
static void kz_application_init (KzApplication *self) { }
KzApplication *kz_application_new (void) { return g_object_new (KZ_TYPE_APPLICATION, "application-id", APPLICATION_ID, NULL); }
KzContext *kz_application_get_context (KzApplication *self) { return self->context; }
