/* kz-context.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-context"

#include "config.h"

#include <glib/gi18n.h>

#include "kz-context.h"

#include "kz-rating-enricher.h"

#include "kz-refresh-worker.h"
#include "kz-store-recovery.h"

#define SWEEP_INTERVAL_SECONDS 60

struct _KzContext
{
  GObject             parent_instance;

  GSettings          *settings;
  KzStore            *store;
  KzCache            *cache;
  KzProvider         *provider;
  KzCoverCache       *covers;
  KzRelationsService *service;
  KzRatingEnricher   *ratings;     /* NULL when Jikan is not to be asked */
  KzRefreshWorker    *refresher;   /* NULL without a provider */
  char               *recovered_path;

  KzTitleLanguage     title_language;
  gboolean            show_adult;
  KzRelationMask      relations;
};

G_DEFINE_FINAL_TYPE (KzContext, kz_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TITLE_LANGUAGE,
  PROP_SHOW_ADULT,
  PROP_RATING_ENRICHER,
  PROP_RECOVERED_PATH,
  N_PROPS
};

enum {
  LIBRARY_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

typedef struct {
  GSettings *settings;
  char      *data_dir;
  char      *endpoint;
  KzStore   *store;
  guint      n_seeded;
  char      *recovered_path;
} LoadData;

static void
load_data_free (gpointer data)
{
  LoadData *load = data;

  g_clear_object (&load->settings);
  g_clear_object (&load->store);
  g_free (load->data_dir);
  g_free (load->endpoint);
  g_free (load->recovered_path);
  g_free (load);
}

static void
apply_ttls (KzContext *self)
{
  static const struct {
    KzCacheTier  tier;
    const char  *key;
  } ttls[] = {
    { KZ_CACHE_TIER_BASIC, "ttl-basic-minutes" },
    { KZ_CACHE_TIER_DETAILED, "ttl-detailed-minutes" },
    { KZ_CACHE_TIER_FRANCHISE, "ttl-franchise-minutes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ttls); i++)
    kz_cache_set_ttl (self->cache, ttls[i].tier,
                      (gint64) g_settings_get_uint (self->settings, ttls[i].key) * 60 * G_USEC_PER_SEC);
}

static void
apply_refresh_policy (KzContext *self)
{
  guint days = g_settings_get_uint (self->settings, "refresh-finished-days");
  guint hours = g_settings_get_uint (self->settings, "refresh-airing-hours");

  if (self->refresher != NULL)
    kz_refresh_worker_set_policy (self->refresher,
                                  (gint64) MAX (days, 1) * 24 * 3600 * G_USEC_PER_SEC,
                                  (gint64) MAX (hours, 1) * 3600 * G_USEC_PER_SEC);
}

/* Lists of stored titles reload only when titles were saved anew. */
static void
refresher_refreshed (KzContext       *self,
                     guint            checked,
                     guint            changed,
                     guint            fetched,
                     KzRefreshWorker *refresher)
{
  if (fetched > 0)
    kz_context_library_changed (self);
}

static void
read_relations (KzContext *self)
{
  g_auto(GStrv) names = g_settings_get_strv (self->settings, "franchise-relations");
  KzRelationMask mask = 0;

  for (guint i = 0; names[i] != NULL; i++)
    {
      KzRelationType type = kz_relation_type_from_string (names[i]);

      if (type != KZ_RELATION_UNKNOWN)
        mask |= KZ_RELATION_MASK (type);
    }

  self->relations = mask != 0 ? mask : KZ_RELATION_MASK_DEFAULT;
}

static void
settings_changed (KzContext  *self,
                  const char *key,
                  GSettings  *settings)
{
  if (g_str_equal (key, "title-language"))
    {
      KzTitleLanguage language = g_settings_get_enum (settings, key);

      if (language != self->title_language)
        {
          self->title_language = language;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE_LANGUAGE]);
        }
    }
  else if (g_str_equal (key, "show-adult"))
    {
      gboolean show_adult = g_settings_get_boolean (settings, key);

      if (show_adult != self->show_adult)
        {
          self->show_adult = show_adult;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW_ADULT]);
        }
    }
  else if (g_str_equal (key, "franchise-relations"))
    {
      read_relations (self);
    }
  else if (g_str_has_prefix (key, "ttl-"))
    {
      apply_ttls (self);
    }
  else if (g_str_has_prefix (key, "refresh-"))
    {
      apply_refresh_policy (self);
    }
}

static void
kz_context_dispose (GObject *object)
{
  KzContext *self = (KzContext *)object;

  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);

  if (self->refresher != NULL)
    kz_refresh_worker_stop (self->refresher);
  g_clear_object (&self->refresher);
  g_clear_object (&self->service);
  g_clear_object (&self->ratings);
  g_clear_object (&self->covers);
  g_clear_object (&self->provider);
  g_clear_object (&self->cache);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->recovered_path, g_free);

  G_OBJECT_CLASS (kz_context_parent_class)->dispose (object);
}

static void
kz_context_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  KzContext *self = KZ_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_TITLE_LANGUAGE:
      g_value_set_int (value, self->title_language);
      break;

    case PROP_SHOW_ADULT:
      g_value_set_boolean (value, self->show_adult);
      break;

    case PROP_RATING_ENRICHER:
      g_value_set_object (value, self->ratings);
      break;

    case PROP_RECOVERED_PATH:
      g_value_set_string (value, self->recovered_path);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_context_class_init (KzContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = kz_context_dispose;
  object_class->get_property = kz_context_get_property;

  properties[PROP_TITLE_LANGUAGE] =
    g_param_spec_int ("title-language", NULL, NULL,
                      KZ_TITLE_LANGUAGE_ROMAJI, KZ_TITLE_LANGUAGE_NATIVE, KZ_TITLE_LANGUAGE_ROMAJI,
                      G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_SHOW_ADULT] =
    g_param_spec_boolean ("show-adult", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Where a damaged library was moved when this context replaced it
   * with a fresh one, for the window to tell the person; NULL when the
   * library opened as it was. */
  properties[PROP_RECOVERED_PATH] =
    g_param_spec_string ("recovered-path", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /* What asks Jikan (MyAnimeList) for age ratings and scores; NULL
   * when it is not to be asked. */
  properties[PROP_RATING_ENRICHER] =
    g_param_spec_object ("rating-enricher", NULL, NULL,
                         KZ_TYPE_RATING_ENRICHER,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[LIBRARY_CHANGED] =
    g_signal_new ("library-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
kz_context_init (KzContext *self)
{
}

static void
open_library_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  LoadData *load = task_data;
  g_autofree char *path = NULL;
  GError *error = NULL;

  if (load->data_dir != NULL)
    path = g_build_filename (load->data_dir, "library.db", NULL);
  else
    path = kz_store_dup_default_path ();

  if (!(load->store = kz_store_open_or_recover (path, &load->recovered_path, &error)) ||
      !kz_bundled_seed_store (load->store, &load->n_seeded, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  g_task_return_boolean (task, TRUE);
}

static KzProvider *
create_provider (const char *endpoint,
                 GSettings  *settings)
{
  g_autofree char *setting = g_settings_get_string (settings, "anilist-endpoint");
  g_autoptr(KzAniListProvider) provider = NULL;
  g_autoptr(GError) error = NULL;

  if (endpoint == NULL && g_getenv ("KIZUNA_ANILIST_URL") == NULL && setting[0] != '\0')
    endpoint = setting;

  if (!(provider = kz_anilist_provider_new (endpoint, NULL, &error)))
    {
      /* Browsing the library still works; fetching does not. */
      g_warning ("Not connecting to AniList: %s", error->message);
      return NULL;
    }

  return KZ_PROVIDER (g_steal_pointer (&provider));
}

/* No AniList, or a stand-in on this computer. */
static gboolean
anilist_is_local (KzProvider *anilist)
{
  return anilist == NULL ||
         (KZ_IS_ANILIST_PROVIDER (anilist) &&
          kz_endpoint_is_loopback (kz_anilist_provider_get_endpoint (KZ_ANILIST_PROVIDER (anilist))));
}

/* Jikan at $KIZUNA_JIKAN_URL, else the public one; but never the public
 * one while AniList is a stand-in on this computer, so that a test or a
 * demonstration never reaches the network by the back door. */
static KzRatingEnricher *
create_rating_enricher (KzStore    *store,
                        KzProvider *anilist)
{
  const char *jikan_url = g_getenv ("KIZUNA_JIKAN_URL");
  g_autoptr(KzJikanProvider) jikan = NULL;
  g_autoptr(GError) error = NULL;

  if ((jikan_url == NULL || *jikan_url == '\0') && anilist_is_local (anilist))
    {
      g_debug ("Not asking Jikan for age ratings: AniList is a local stand-in");
      return NULL;
    }

  if (!(jikan = kz_jikan_provider_new (NULL, NULL, &error)))
    {
      g_warning ("Not asking Jikan for age ratings: %s", error->message);
      return NULL;
    }

  return kz_rating_enricher_new (store, jikan);
}

/* A title MyAnimeList rates Rx leaves the lists while adult titles are
 * hidden. */
static void
rating_changed (KzContext        *self,
                gint64            entry_id,
                KzRatingEnricher *ratings)
{
  if (!self->show_adult &&
      kz_age_rating_is_restricted (kz_rating_enricher_peek_rating (ratings, entry_id)))
    kz_context_library_changed (self);
}

static void
library_opened (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  LoadData *load = g_task_get_task_data (task);
  g_autoptr(KzContext) self = NULL;
  GError *error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_task_return_error (task, error);
      return;
    }

  self = g_object_new (KZ_TYPE_CONTEXT, NULL);
  self->settings = g_object_ref (load->settings);
  self->store = g_object_ref (load->store);
  self->recovered_path = g_steal_pointer (&load->recovered_path);
  self->cache = kz_cache_new ();
  self->provider = create_provider (load->endpoint, self->settings);
  self->covers = kz_cover_cache_new (NULL);
  /* Covers follow AniList: from a stand-in on this computer, never the
   * real image servers, so tests and demonstrations stay offline. */
  kz_cover_cache_set_local_only (self->covers, anilist_is_local (self->provider));
  self->ratings = create_rating_enricher (self->store, self->provider);
  if (self->ratings != NULL)
    g_signal_connect_object (self->ratings, "rating-changed", G_CALLBACK (rating_changed),
                             self, G_CONNECT_SWAPPED);
  self->service = kz_relations_service_new (self->cache, self->store, self->provider);
  self->title_language = g_settings_get_enum (self->settings, "title-language");
  self->show_adult = g_settings_get_boolean (self->settings, "show-adult");
  read_relations (self);
  apply_ttls (self);
  kz_cache_start_sweeping (self->cache, SWEEP_INTERVAL_SECONDS);

  /* Stored titles are kept fresh behind the person's own requests. */
  if (self->provider != NULL)
    {
      self->refresher = kz_refresh_worker_new (self->service);
      apply_refresh_policy (self);
      g_signal_connect_object (self->refresher, "refreshed", G_CALLBACK (refresher_refreshed),
                               self, G_CONNECT_SWAPPED);
      kz_refresh_worker_start (self->refresher);
    }

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (settings_changed),
                           self, G_CONNECT_SWAPPED);

  if (load->n_seeded > 0)
    g_debug ("Seeded the library with %u bundled titles", load->n_seeded);

  g_task_return_pointer (task, g_steal_pointer (&self), g_object_unref);
}

void
kz_context_new_async (GSettings           *settings,
                      const char          *data_dir,
                      const char          *endpoint,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) open_task = NULL;
  LoadData *load;

  g_return_if_fail (!settings || G_IS_SETTINGS (settings));

  load = g_new0 (LoadData, 1);
  load->settings = settings ? g_object_ref (settings) : g_settings_new (SCHEMA_ID);
  load->data_dir = g_strdup (data_dir);
  load->endpoint = g_strdup (endpoint);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, kz_context_new_async);
  g_task_set_task_data (task, load, load_data_free);

  open_task = g_task_new (NULL, cancellable, library_opened, g_object_ref (task));
  g_task_set_task_data (open_task, load, NULL);
  g_task_run_in_thread (open_task, open_library_thread);
}

KzContext *
kz_context_new_finish (GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

KzRelationsService *
kz_context_get_service (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), NULL);
  return self->service;
}

KzCache *
kz_context_get_cache (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), NULL);
  return self->cache;
}

/* NULL when AniList cannot be used (an insecure endpoint). */
KzProvider *
kz_context_get_provider (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), NULL);
  return self->provider;
}

KzCoverCache *
kz_context_get_covers (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), NULL);
  return self->covers;
}

GSettings *
kz_context_get_settings (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), NULL);
  return self->settings;
}

KzTitleLanguage
kz_context_get_title_language (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), KZ_TITLE_LANGUAGE_ROMAJI);
  return self->title_language;
}

gboolean
kz_context_get_show_adult (KzContext *self)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (self), FALSE);
  return self->show_adult;
}

/* Adult titles stay hidden, covers and all, unless asked for: those
 * AniList marks adult, and those MyAnimeList rates Rx. */
gboolean
kz_context_entry_is_visible (KzContext *self,
                             KzEntry   *entry)
{
  gboolean restricted;

  g_return_val_if_fail (KZ_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (KZ_IS_ENTRY (entry), FALSE);

  if (self->show_adult)
    return TRUE;

  if (self->ratings != NULL)
    restricted = kz_rating_enricher_is_restricted (self->ratings, entry);
  else
    restricted = kz_age_rating_is_restricted (kz_entry_get_age_rating (entry));

  return !kz_entry_get_is_adult (entry) && !restricted;
}

void
kz_context_get_franchise_options (KzContext          *self,
                                  KzFranchiseOptions *options)
{
  g_return_if_fail (KZ_IS_CONTEXT (self));
  g_return_if_fail (options != NULL);

  kz_franchise_options_init_default (options);
  options->relations = self->relations;
}

void
kz_context_library_changed (KzContext *self)
{
  g_return_if_fail (KZ_IS_CONTEXT (self));
  g_signal_emit (self, signals[LIBRARY_CHANGED], 0);
}
