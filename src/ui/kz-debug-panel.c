/* kz-debug-panel.c
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-debug-panel"

#include "config.h"

#include "kz-debug-panel.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "kz-ui-resources.h"

#define UPDATE_INTERVAL_SECONDS 1

typedef enum {
  GROUP_BASIC,
  GROUP_DETAILED,
  GROUP_FRANCHISE,
  GROUP_PROVIDER,
  GROUP_LIBRARY,
  GROUP_SERVICE,
  N_GROUPS
} Group;

typedef struct {
  Group       group;
  const char *name;      /* the key's second half, and the JSON member */
  const char *title;
  const char *subtitle;  /* NULL for none */
} RowInfo;

/* The rows of each cache tier; the tier's name goes in front of the key. */
static const RowInfo tier_rows[] = {
  { 0, "entries",   N_("Entries"),   NULL },
  { 0, "hits",      N_("Hits"),      NULL },
  { 0, "misses",    N_("Misses"),    N_("Absent or expired when asked for") },
  { 0, "hit_rate",  N_("Hit Rate"),  NULL },
  { 0, "expired",   N_("Expired"),   N_("Found past their lifetime") },
  { 0, "evictions", N_("Evictions"), N_("Dropped to stay within the limit") },
  { 0, "memory",    N_("Memory"),    NULL },
};

static const RowInfo other_rows[] = {
  { GROUP_PROVIDER, "requests",      N_("Requests Sent"),                  NULL },
  { GROUP_PROVIDER, "waiting",       N_("Requests Waiting"),               NULL },
  { GROUP_PROVIDER, "rate_limited",  N_("Rate Limited (429s)"),            NULL },
  { GROUP_PROVIDER, "wait_time",     N_("Time Waiting on the Rate Limit"), NULL },
  { GROUP_PROVIDER, "paused_until",  N_("Paused Until"),                   N_("After a 429, no request is sent before then") },
  { GROUP_PROVIDER, "last_error",    N_("Last Error"),                     NULL },
  { GROUP_LIBRARY,  "titles",        N_("Titles Stored"),                  N_("With full details") },
  { GROUP_LIBRARY,  "rows",          N_("Rows"),                           N_("Including titles only known from a relation") },
  { GROUP_LIBRARY,  "relations",     N_("Relations"),                      NULL },
  { GROUP_LIBRARY,  "franchises",    N_("Franchises Saved"),               NULL },
  { GROUP_LIBRARY,  "size",          N_("Database Size"),                  NULL },
  { GROUP_LIBRARY,  "stale",         N_("Stale Titles"),                   N_("Fetched more than a week ago") },
  { GROUP_SERVICE,  "fetches",       N_("Provider Fetches"),               NULL },
  { GROUP_SERVICE,  "coalesced",     N_("Shared Requests"),                N_("Joined a request already in flight") },
  { GROUP_SERVICE,  "cache_hits",    N_("Cache Hits"),                     NULL },
  { GROUP_SERVICE,  "library_hits",  N_("Library Hits"),                   NULL },
  { GROUP_SERVICE,  "stale",         N_("Stale Copies Returned"),          N_("Older copies shown when the provider failed") },
  { GROUP_SERVICE,  "ingest_fixes",  N_("Ingest Fixes"),                   N_("Corrections made to the provider’s data") },
};

static const char * const group_names[N_GROUPS] = {
  [GROUP_BASIC] = "basic",
  [GROUP_DETAILED] = "detailed",
  [GROUP_FRANCHISE] = "franchise",
  [GROUP_PROVIDER] = "provider",
  [GROUP_LIBRARY] = "library",
  [GROUP_SERVICE] = "service",
};

static const KzCacheTier group_tiers[] = {
  [GROUP_BASIC] = KZ_CACHE_TIER_BASIC,
  [GROUP_DETAILED] = KZ_CACHE_TIER_DETAILED,
  [GROUP_FRANCHISE] = KZ_CACHE_TIER_FRANCHISE,
};

struct _KzDebugPanel
{
  AdwWindow             parent_instance;

  KzContext            *context;

  /* "group.name" → the GtkLabel showing its value (owned by the rows) */
  GHashTable           *values;
  GtkWidget            *ingest_row;
  guint                 update_source;
  GCancellable         *library_cancellable;

  /* What the labels show, as numbers, for the JSON copy */
  KzCacheTierStats      tiers[KZ_CACHE_N_TIERS];
  KzProviderStats       provider;
  gint64                paused_for_usec;
  KzServiceStats        service;
  KzStoreStats          library;
  gboolean              has_library;

  /* Template widgets */
  AdwToastOverlay      *toast_overlay;
  AdwPreferencesGroup  *groups[N_GROUPS];
};

G_DEFINE_FINAL_TYPE (KzDebugPanel, kz_debug_panel, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* Rows */

static GtkWidget *
add_row (KzDebugPanel  *self,
         Group          group,
         const RowInfo *info)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", group_names[group], info->name);
  GtkWidget *row;
  GtkWidget *label;

  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _(info->title));
  if (info->subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(info->subtitle));

  label = gtk_label_new ("—");
  gtk_label_set_use_markup (GTK_LABEL (label), FALSE);
  gtk_label_set_xalign (GTK_LABEL (label), 1.0);
  gtk_widget_set_valign (label, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");

  /* Error messages are long: let them wrap rather than widen the window. */
  if (g_str_equal (info->name, "last_error"))
    {
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
      gtk_label_set_width_chars (GTK_LABEL (label), 12);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
      gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
      gtk_label_set_selectable (GTK_LABEL (label), TRUE);
    }

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  adw_preferences_group_add (self->groups[group], row);

  g_hash_table_insert (self->values, g_steal_pointer (&key), label);

  return row;
}

static void
build_rows (KzDebugPanel *self)
{
  for (Group group = GROUP_BASIC; group <= GROUP_FRANCHISE; group++)
    for (guint i = 0; i < G_N_ELEMENTS (tier_rows); i++)
      add_row (self, group, &tier_rows[i]);

  for (guint i = 0; i < G_N_ELEMENTS (other_rows); i++)
    {
      GtkWidget *row = add_row (self, other_rows[i].group, &other_rows[i]);

      if (g_str_equal (other_rows[i].name, "ingest_fixes"))
        self->ingest_row = row;
    }
}

/* Sets the text only when it changed, so that nothing is laid out again
 * for a number that stayed the same. */
static void
set_value (KzDebugPanel *self,
           Group         group,
           const char   *name,
           const char   *text)
{
  g_autofree char *key = g_strdup_printf ("%s.%s", group_names[group], name);
  GtkLabel *label = g_hash_table_lookup (self->values, key);

  g_return_if_fail (label != NULL);

  if (g_strcmp0 (gtk_label_get_text (label), text) != 0)
    gtk_label_set_text (label, text);
}

static void
set_count (KzDebugPanel *self,
           Group         group,
           const char   *name,
           guint64       value)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, value);
  set_value (self, group, name, text);
}

static void
set_description (AdwPreferencesGroup *group,
                 const char          *text)
{
  if (g_strcmp0 (adw_preferences_group_get_description (group), text) != 0)
    adw_preferences_group_set_description (group, text);
}

static void
set_title (AdwPreferencesGroup *group,
           const char          *text)
{
  if (g_strcmp0 (adw_preferences_group_get_title (group), text) != 0)
    adw_preferences_group_set_title (group, text);
}

/* Formatting */

static char *
format_lifetime (gint64 ttl_usec)
{
  guint64 minutes = (guint64) MAX (ttl_usec, 0) / (60 * G_USEC_PER_SEC);

  if (minutes >= 1440 && minutes % 1440 == 0)
    return g_strdup_printf (ngettext ("Kept for %u day", "Kept for %u days", (gulong) (minutes / 1440)),
                            (guint) (minutes / 1440));
  if (minutes >= 60 && minutes % 60 == 0)
    return g_strdup_printf (ngettext ("Kept for %u hour", "Kept for %u hours", (gulong) (minutes / 60)),
                            (guint) (minutes / 60));
  if (minutes >= 1)
    return g_strdup_printf (ngettext ("Kept for %u minute", "Kept for %u minutes", (gulong) minutes),
                            (guint) minutes);

  return g_strdup_printf (ngettext ("Kept for %u second", "Kept for %u seconds",
                                    (gulong) (ttl_usec / G_USEC_PER_SEC)),
                          (guint) (MAX (ttl_usec, 0) / G_USEC_PER_SEC));
}

static guint64
lookups (const KzCacheTierStats *stats)
{
  return stats->hits + stats->misses;
}

static double
hit_rate (const KzCacheTierStats *stats)
{
  return (double) stats->hits / (double) lookups (stats);
}

static guint64
ingest_fixes (const KzIngestReport *report)
{
  return (guint64) report->entries_dropped + report->years_fixed + report->counts_fixed +
         report->self_loops_removed + report->duplicate_edges_merged +
         report->reverse_edges_added + report->descriptions_cleaned;
}

static char *
ingest_tooltip (const KzIngestReport *report)
{
  GString *text = g_string_new (NULL);

  g_string_append_printf (text, _("Titles checked: %u"), report->entries_in);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Titles dropped: %u"), report->entries_dropped);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Years fixed: %u"), report->years_fixed);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Counts fixed: %u"), report->counts_fixed);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Self-relations removed: %u"), report->self_loops_removed);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Duplicate relations merged: %u"), report->duplicate_edges_merged);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Missing reverse relations added: %u"), report->reverse_edges_added);
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Descriptions cleaned: %u"), report->descriptions_cleaned);

  return g_string_free (text, FALSE);
}

/* Updating */

static void
show_tiers (KzDebugPanel *self)
{
  KzCache *cache = kz_context_get_cache (self->context);

  for (Group group = GROUP_BASIC; group <= GROUP_FRANCHISE; group++)
    {
      KzCacheTierStats *stats = &self->tiers[group_tiers[group]];
      g_autofree char *entries = NULL;
      g_autofree char *size = NULL;
      g_autofree char *memory = NULL;
      g_autofree char *lifetime = NULL;

      kz_cache_get_stats (cache, group_tiers[group], stats);

      entries = g_strdup_printf (_("%u of %u"), stats->entries, stats->max_entries);
      set_value (self, group, "entries", entries);
      set_count (self, group, "hits", stats->hits);
      set_count (self, group, "misses", stats->misses);

      if (lookups (stats) > 0)
        {
          g_autofree char *rate = g_strdup_printf (_("%.1f%%"), 100.0 * hit_rate (stats));

          set_value (self, group, "hit_rate", rate);
        }
      else
        {
          set_value (self, group, "hit_rate", "—");
        }

      set_count (self, group, "expired", stats->expired);
      set_count (self, group, "evictions", stats->evictions);

      size = g_format_size (stats->approx_bytes);
      memory = stats->approx_bytes > 0 ? g_strdup_printf (_("≈ %s"), size) : g_strdup (size);
      set_value (self, group, "memory", memory);

      lifetime = format_lifetime (stats->ttl_usec);
      set_description (self->groups[group], lifetime);
    }
}

static void
show_provider (KzDebugPanel *self)
{
  KzProvider *provider = kz_context_get_provider (self->context);
  AdwPreferencesGroup *group = self->groups[GROUP_PROVIDER];
  g_autofree char *wait_time = NULL;

  kz_provider_stats_clear (&self->provider);
  self->paused_for_usec = 0;

  if (provider == NULL)
    {
      static const char * const names[] = {
        "requests", "waiting", "rate_limited", "wait_time", "paused_until", "last_error",
      };

      set_title (group, _("Offline"));
      set_description (group, _("No provider is in use: only the library is browsed"));
      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        set_value (self, GROUP_PROVIDER, names[i], "—");
      return;
    }

  if (g_strcmp0 (kz_provider_get_name (provider), "AniList") == 0)
    {
      set_title (group, "AniList");
    }
  else
    {
      g_autofree char *title = g_strdup_printf (_("Provider: %s"), kz_provider_get_name (provider));
      set_title (group, title);
    }
  set_description (group, NULL);

  kz_provider_get_stats (provider, &self->provider);

  set_count (self, GROUP_PROVIDER, "requests", self->provider.requests_sent);
  set_count (self, GROUP_PROVIDER, "waiting", self->provider.requests_waiting);
  set_count (self, GROUP_PROVIDER, "rate_limited", self->provider.rate_limited);

  wait_time = g_strdup_printf (_("%.1f s"), (double) self->provider.wait_usec / G_USEC_PER_SEC);
  set_value (self, GROUP_PROVIDER, "wait_time", wait_time);

  if (self->provider.paused_until > 0)
    self->paused_for_usec = MAX (self->provider.paused_until - g_get_monotonic_time (), 0);

  if (self->paused_for_usec > 0)
    {
      guint seconds = (guint) ((self->paused_for_usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
      g_autofree char *paused = g_strdup_printf (_("in %u s"), seconds);

      set_value (self, GROUP_PROVIDER, "paused_until", paused);
    }
  else
    {
      set_value (self, GROUP_PROVIDER, "paused_until", "—");
    }

  set_value (self, GROUP_PROVIDER, "last_error",
             self->provider.last_error != NULL ? self->provider.last_error : _("None"));
}

static void
show_service (KzDebugPanel *self)
{
  g_autofree char *tooltip = NULL;

  kz_relations_service_get_stats (kz_context_get_service (self->context), &self->service);

  set_count (self, GROUP_SERVICE, "fetches", self->service.provider_fetches);
  set_count (self, GROUP_SERVICE, "coalesced", self->service.coalesced);
  set_count (self, GROUP_SERVICE, "cache_hits", self->service.cache_hits);
  set_count (self, GROUP_SERVICE, "library_hits", self->service.library_hits);
  set_count (self, GROUP_SERVICE, "stale", self->service.stale_returned);
  set_count (self, GROUP_SERVICE, "ingest_fixes", ingest_fixes (&self->service.ingest));

  tooltip = ingest_tooltip (&self->service.ingest);
  if (g_strcmp0 (gtk_widget_get_tooltip_text (self->ingest_row), tooltip) != 0)
    gtk_widget_set_tooltip_text (self->ingest_row, tooltip);
}

static void
show_library (KzDebugPanel *self)
{
  g_autofree char *size = NULL;

  if (!self->has_library)
    return;

  set_count (self, GROUP_LIBRARY, "titles", self->library.n_full_entries);
  set_count (self, GROUP_LIBRARY, "rows", self->library.n_entries);
  set_count (self, GROUP_LIBRARY, "relations", self->library.n_relations);
  set_count (self, GROUP_LIBRARY, "franchises", self->library.n_franchises);
  size = g_format_size ((guint64) MAX (self->library.file_size, 0));
  set_value (self, GROUP_LIBRARY, "size", size);
  set_count (self, GROUP_LIBRARY, "stale", self->library.n_stale);
}

static void
library_stats_ready (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(KzDebugPanel) self = user_data;
  g_autoptr(GError) error = NULL;
  KzStoreStats stats = { 0 };

  if (!kz_relations_service_get_library_stats_finish (KZ_RELATIONS_SERVICE (object),
                                                      result, &stats, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_debug ("Could not read the library’s numbers: %s", error->message);
          g_clear_object (&self->library_cancellable);
        }
      return;
    }

  g_clear_object (&self->library_cancellable);
  self->library = stats;
  self->has_library = TRUE;
  show_library (self);
}

/**
 * kz_debug_panel_update:
 *
 * Reads the numbers kept in memory at once, and asks for the library's
 * in a worker thread; they are shown when they arrive.
 */
void
kz_debug_panel_update (KzDebugPanel *self)
{
  g_return_if_fail (KZ_IS_DEBUG_PANEL (self));

  if (self->context == NULL)
    return;

  show_tiers (self);
  show_provider (self);
  show_service (self);

  /* One query at a time: a slow disk must not pile them up. */
  if (self->library_cancellable == NULL)
    {
      self->library_cancellable = g_cancellable_new ();
      kz_relations_service_get_library_stats_async (kz_context_get_service (self->context),
                                                    self->library_cancellable,
                                                    library_stats_ready,
                                                    g_object_ref (self));
    }
}

static gboolean
update_cb (gpointer user_data)
{
  kz_debug_panel_update (KZ_DEBUG_PANEL (user_data));
  return G_SOURCE_CONTINUE;
}

/* JSON */

static void
add_tier_json (JsonBuilder            *builder,
               const char             *name,
               const KzCacheTierStats *stats)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "entries");
  json_builder_add_int_value (builder, stats->entries);
  json_builder_set_member_name (builder, "max_entries");
  json_builder_add_int_value (builder, stats->max_entries);
  json_builder_set_member_name (builder, "hits");
  json_builder_add_int_value (builder, (gint64) stats->hits);
  json_builder_set_member_name (builder, "misses");
  json_builder_add_int_value (builder, (gint64) stats->misses);
  json_builder_set_member_name (builder, "hit_rate");
  if (lookups (stats) > 0)
    json_builder_add_double_value (builder, hit_rate (stats));
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "expired");
  json_builder_add_int_value (builder, (gint64) stats->expired);
  json_builder_set_member_name (builder, "evictions");
  json_builder_add_int_value (builder, (gint64) stats->evictions);
  json_builder_set_member_name (builder, "memory");
  json_builder_add_int_value (builder, (gint64) stats->approx_bytes);
  json_builder_set_member_name (builder, "ttl_seconds");
  json_builder_add_int_value (builder, stats->ttl_usec / G_USEC_PER_SEC);
  json_builder_end_object (builder);
}

static void
add_provider_json (KzDebugPanel *self,
                   JsonBuilder  *builder)
{
  KzProvider *provider = kz_context_get_provider (self->context);

  json_builder_set_member_name (builder, "provider");
  if (provider == NULL)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "name");
  json_builder_add_string_value (builder, kz_provider_get_name (provider));
  json_builder_set_member_name (builder, "requests");
  json_builder_add_int_value (builder, (gint64) self->provider.requests_sent);
  json_builder_set_member_name (builder, "waiting");
  json_builder_add_int_value (builder, self->provider.requests_waiting);
  json_builder_set_member_name (builder, "rate_limited");
  json_builder_add_int_value (builder, (gint64) self->provider.rate_limited);
  json_builder_set_member_name (builder, "wait_time");
  json_builder_add_double_value (builder, (double) self->provider.wait_usec / G_USEC_PER_SEC);
  json_builder_set_member_name (builder, "paused_until");
  if (self->paused_for_usec > 0)
    json_builder_add_double_value (builder, (double) self->paused_for_usec / G_USEC_PER_SEC);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "last_error");
  if (self->provider.last_error != NULL)
    json_builder_add_string_value (builder, self->provider.last_error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
}

static void
add_library_json (KzDebugPanel *self,
                  JsonBuilder  *builder)
{
  json_builder_set_member_name (builder, "library");
  if (!self->has_library)
    {
      json_builder_add_null_value (builder);
      return;
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "titles");
  json_builder_add_int_value (builder, self->library.n_full_entries);
  json_builder_set_member_name (builder, "rows");
  json_builder_add_int_value (builder, self->library.n_entries);
  json_builder_set_member_name (builder, "relations");
  json_builder_add_int_value (builder, self->library.n_relations);
  json_builder_set_member_name (builder, "franchises");
  json_builder_add_int_value (builder, self->library.n_franchises);
  json_builder_set_member_name (builder, "size");
  json_builder_add_int_value (builder, self->library.file_size);
  json_builder_set_member_name (builder, "stale");
  json_builder_add_int_value (builder, self->library.n_stale);
  json_builder_end_object (builder);
}

static void
add_service_json (KzDebugPanel *self,
                  JsonBuilder  *builder)
{
  const KzServiceStats *stats = &self->service;
  const struct {
    const char *name;
    guint64     value;
  } ingest[] = {
    { "entries_in", stats->ingest.entries_in },
    { "entries_dropped", stats->ingest.entries_dropped },
    { "years_fixed", stats->ingest.years_fixed },
    { "counts_fixed", stats->ingest.counts_fixed },
    { "self_loops_removed", stats->ingest.self_loops_removed },
    { "duplicate_edges_merged", stats->ingest.duplicate_edges_merged },
    { "reverse_edges_added", stats->ingest.reverse_edges_added },
    { "descriptions_cleaned", stats->ingest.descriptions_cleaned },
  };

  json_builder_set_member_name (builder, "service");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "fetches");
  json_builder_add_int_value (builder, (gint64) stats->provider_fetches);
  json_builder_set_member_name (builder, "coalesced");
  json_builder_add_int_value (builder, (gint64) stats->coalesced);
  json_builder_set_member_name (builder, "cache_hits");
  json_builder_add_int_value (builder, (gint64) stats->cache_hits);
  json_builder_set_member_name (builder, "library_hits");
  json_builder_add_int_value (builder, (gint64) stats->library_hits);
  json_builder_set_member_name (builder, "stale");
  json_builder_add_int_value (builder, (gint64) stats->stale_returned);
  json_builder_set_member_name (builder, "ingest_fixes");
  json_builder_add_int_value (builder, (gint64) ingest_fixes (&stats->ingest));
  json_builder_set_member_name (builder, "ingest");
  json_builder_begin_object (builder);
  for (guint i = 0; i < G_N_ELEMENTS (ingest); i++)
    {
      json_builder_set_member_name (builder, ingest[i].name);
      json_builder_add_int_value (builder, (gint64) ingest[i].value);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/**
 * kz_debug_panel_dup_json:
 *
 * The numbers on show, as pretty-printed JSON: one object per group
 * with a member per row (named as the second half of the row's key),
 * counts as integers, sizes in bytes, times in seconds, a hit rate from
 * 0 to 1, and null where the panel shows "—".
 */
char *
kz_debug_panel_dup_json (KzDebugPanel *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (KZ_IS_DEBUG_PANEL (self), NULL);

  json_builder_begin_object (builder);
  for (Group group = GROUP_BASIC; group <= GROUP_FRANCHISE; group++)
    add_tier_json (builder, group_names[group], &self->tiers[group_tiers[group]]);
  add_provider_json (self, builder);
  add_library_json (self, builder);
  add_service_json (self, builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  json_generator_set_pretty (generator, TRUE);

  return json_generator_to_data (generator, NULL);
}

const char *
kz_debug_panel_get_value (KzDebugPanel *self,
                          const char   *key)
{
  GtkLabel *label;

  g_return_val_if_fail (KZ_IS_DEBUG_PANEL (self), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  if (!(label = g_hash_table_lookup (self->values, key)))
    return NULL;

  return gtk_label_get_text (label);
}

/* Actions */

static void
show_toast (KzDebugPanel *self,
            const char   *title)
{
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 3);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
copy_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (widget);
  g_autofree char *json = NULL;

  kz_debug_panel_update (self);
  json = kz_debug_panel_dup_json (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), json);
  show_toast (self, _("Copied"));
}

static void
clear_cache_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (widget);

  kz_cache_clear_all (kz_context_get_cache (self->context));
  kz_debug_panel_update (self);
  show_toast (self, _("Memory cache cleared"));
}

static void
sweep_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (widget);
  g_autofree char *message = NULL;
  guint removed;

  removed = kz_cache_sweep (kz_context_get_cache (self->context));
  kz_debug_panel_update (self);

  message = g_strdup_printf (ngettext ("Removed %u expired entry",
                                       "Removed %u expired entries", removed),
                             removed);
  show_toast (self, message);
}

/* GtkWidget */

static void
kz_debug_panel_map (GtkWidget *widget)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (widget);

  GTK_WIDGET_CLASS (kz_debug_panel_parent_class)->map (widget);

  /* Numbers only change on screen while someone can see them. */
  kz_debug_panel_update (self);
  if (self->update_source == 0)
    self->update_source = g_timeout_add_seconds_full (G_PRIORITY_DEFAULT,
                                                      UPDATE_INTERVAL_SECONDS,
                                                      update_cb, self, NULL);
}

static void
kz_debug_panel_unmap (GtkWidget *widget)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (widget);

  g_clear_handle_id (&self->update_source, g_source_remove);

  GTK_WIDGET_CLASS (kz_debug_panel_parent_class)->unmap (widget);
}

/* GObject */

static void
kz_debug_panel_constructed (GObject *object)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (object);

  G_OBJECT_CLASS (kz_debug_panel_parent_class)->constructed (object);

  g_return_if_fail (KZ_IS_CONTEXT (self->context));

  /* Fill the rows at once rather than after the first second. */
  show_tiers (self);
  show_provider (self);
  show_service (self);
}

static void
kz_debug_panel_dispose (GObject *object)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (object);

  g_clear_handle_id (&self->update_source, g_source_remove);
  g_cancellable_cancel (self->library_cancellable);
  g_clear_object (&self->library_cancellable);
  g_hash_table_remove_all (self->values);
  self->ingest_row = NULL;

  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_DEBUG_PANEL);

  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_debug_panel_parent_class)->dispose (object);
}

static void
kz_debug_panel_finalize (GObject *object)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (object);

  kz_provider_stats_clear (&self->provider);
  g_clear_pointer (&self->values, g_hash_table_unref);

  G_OBJECT_CLASS (kz_debug_panel_parent_class)->finalize (object);
}

static void
kz_debug_panel_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_debug_panel_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  KzDebugPanel *self = KZ_DEBUG_PANEL (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_debug_panel_class_init (KzDebugPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_debug_panel_constructed;
  object_class->dispose = kz_debug_panel_dispose;
  object_class->finalize = kz_debug_panel_finalize;
  object_class->get_property = kz_debug_panel_get_property;
  object_class->set_property = kz_debug_panel_set_property;

  widget_class->map = kz_debug_panel_map;
  widget_class->unmap = kz_debug_panel_unmap;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Naming the resource links it in from the static library, and it
   * registers itself. */
  if (kz_ui_get_resource () == NULL)
    g_error ("The user interface resources are missing");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-debug-panel.ui");
  gtk_widget_class_bind_template_child (widget_class, KzDebugPanel, toast_overlay);
  gtk_widget_class_bind_template_child_full (widget_class, "basic_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_BASIC]));
  gtk_widget_class_bind_template_child_full (widget_class, "detailed_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_DETAILED]));
  gtk_widget_class_bind_template_child_full (widget_class, "franchise_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_FRANCHISE]));
  gtk_widget_class_bind_template_child_full (widget_class, "provider_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_PROVIDER]));
  gtk_widget_class_bind_template_child_full (widget_class, "library_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_LIBRARY]));
  gtk_widget_class_bind_template_child_full (widget_class, "service_group", FALSE,
                                             G_STRUCT_OFFSET (KzDebugPanel, groups[GROUP_SERVICE]));

  gtk_widget_class_install_action (widget_class, "debug.copy", NULL, copy_action);
  gtk_widget_class_install_action (widget_class, "debug.clear-cache", NULL, clear_cache_action);
  gtk_widget_class_install_action (widget_class, "debug.sweep", NULL, sweep_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
kz_debug_panel_init (KzDebugPanel *self)
{
  self->values = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  build_rows (self);
}

GtkWindow *
kz_debug_panel_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_DEBUG_PANEL,
                       "context", context,
                       NULL);
}
