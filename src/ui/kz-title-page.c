/* kz-title-page.c: everything about one title, and what it relates to
 *
 * The header and the relation rows show what the entry itself has (its
 * relations' stubs are enough to list them); set_details() later swaps
 * the rows' stubs for the full neighbours without rebuilding anything.
 * MyAnimeList's age rating and score come from the context's rating
 * enricher: asked for the title at once, for its neighbours behind it.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "kz-title-page"

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "kz-title-page.h"

#include "kz-cover-image.h"
#include "kz-entry-row.h"
#include "kz-rating-enricher.h"
#include "kz-ui-resources.h"

#define COVER_WIDTH  160
#define COVER_HEIGHT 230

struct _KzTitlePage
{
  GtkWidget          parent_instance;

  KzContext         *context;
  KzEntry           *entry;
  KzFranchiseGraph  *details;
  KzRatingEnricher  *ratings;       /* NULL when Jikan is not asked */
  KzRatingInfo      *rating;        /* the entry's, once known */
  gint64             rating_for;    /* the entry asked about, or 0 */
  GCancellable      *rating_cancellable;
  GCancellable      *neighbours_cancellable;
  GtkWidget         *cover;
  GPtrArray         *rows;          /* KzEntryRow, owned by their list boxes */

  GtkScrolledWindow *scroller;
  GtkBox            *header_box;
  GtkLabel          *title_label;
  GtkLabel          *other_titles_label;
  GtkLabel          *facts_label;
  GtkFlowBox        *genres_box;
  GtkLinkButton     *site_button;
  GtkLabel          *description_label;
  GtkBox            *relations_box;
};

G_DEFINE_FINAL_TYPE (KzTitlePage, kz_title_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_ENTRY,
  N_PROPS
};

enum {
  OPEN_TITLE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static gboolean
has_text (const char *str)
{
  return str != NULL && *str != '\0';
}

static KzTitleLanguage
title_language (KzTitlePage *self)
{
  return self->context ? kz_context_get_title_language (self->context) : KZ_TITLE_LANGUAGE_ROMAJI;
}

/* Manga and novels: listed, but Kizuna has no page for them. */
static gboolean
is_anime (KzEntry *entry)
{
  switch (kz_entry_get_format (entry))
    {
    case KZ_FORMAT_MANGA:
    case KZ_FORMAT_NOVEL:
    case KZ_FORMAT_ONE_SHOT:
      return FALSE;

    case KZ_FORMAT_UNKNOWN:
    case KZ_FORMAT_TV:
    case KZ_FORMAT_TV_SHORT:
    case KZ_FORMAT_MOVIE:
    case KZ_FORMAT_SPECIAL:
    case KZ_FORMAT_OVA:
    case KZ_FORMAT_ONA:
    case KZ_FORMAT_MUSIC:
    default:
      return kz_entry_get_media_type (entry) != KZ_MEDIA_TYPE_MANGA;
    }
}

/* The header */

static void
update_titles (KzTitlePage *self)
{
  const char *candidates[3];
  const char *main_title;
  GString *others;

  if (self->entry == NULL)
    {
      gtk_label_set_text (self->title_label, "");
      gtk_widget_set_visible (GTK_WIDGET (self->other_titles_label), FALSE);
      return;
    }

  main_title = kz_entry_get_title (self->entry, title_language (self));
  candidates[0] = kz_entry_get_title_english (self->entry);
  candidates[1] = kz_entry_get_title_native (self->entry);
  candidates[2] = kz_entry_get_title_romaji (self->entry);

  others = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (candidates); i++)
    {
      gboolean seen = !has_text (candidates[i]) || g_str_equal (candidates[i], main_title);

      for (guint j = 0; j < i && !seen; j++)
        seen = g_strcmp0 (candidates[j], candidates[i]) == 0;
      if (seen)
        continue;

      if (others->len > 0)
        g_string_append_c (others, '\n');
      g_string_append (others, candidates[i]);
    }

  /* Titles come from the network: plain text, never markup. */
  gtk_label_set_text (self->title_label, main_title);
  gtk_label_set_text (self->other_titles_label, others->str);
  gtk_widget_set_visible (GTK_WIDGET (self->other_titles_label), others->len > 0);
  g_string_free (others, TRUE);
}

static char *
dup_facts (KzEntry            *entry,
           const KzRatingInfo *info)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  KzFormat format = kz_entry_get_format (entry);
  KzStatus status = kz_entry_get_status (entry);
  KzSeason season = kz_entry_get_season (entry);
  int episodes = kz_entry_get_episodes (entry);
  int year = kz_entry_get_season_year (entry);
  int score = kz_entry_get_average_score (entry);
  const char *rating = kz_entry_get_age_rating (entry);
  double mal_score = info ? info->mal_score : 0;

  /* the enricher's answer is the freshest */
  if (info != NULL && has_text (info->rating))
    rating = info->rating;

  if (format != KZ_FORMAT_UNKNOWN)
    g_ptr_array_add (parts, g_strdup (kz_format_to_label (format)));

  if (status != KZ_STATUS_UNKNOWN)
    g_ptr_array_add (parts, g_strdup (kz_status_to_label (status)));

  if (episodes > 0)
    g_ptr_array_add (parts, g_strdup_printf (ngettext ("%d episode", "%d episodes", episodes),
                                             episodes));

  if (year <= 0)
    year = kz_entry_get_year (entry);
  if (season != KZ_SEASON_UNKNOWN && year > 0)
    /* Translators: a season and its year, as in "Spring 2013" */
    g_ptr_array_add (parts, g_strdup_printf (C_("season year", "%s %d"),
                                             kz_season_to_label (season), year));
  else if (year > 0)
    g_ptr_array_add (parts, g_strdup_printf ("%d", year));

  if (score > 0)
    /* Translators: the average score people gave, as in "86%" */
    g_ptr_array_add (parts, g_strdup_printf (_("%d%%"), score));

  if (mal_score > 0)
    /* Translators: MyAnimeList's score out of 10, as in "MAL 8.62" */
    g_ptr_array_add (parts, g_strdup_printf (_("MAL %.2f"), mal_score));

  /* MyAnimeList's age rating, as in "PG-13 - Teens 13 or older" */
  if (has_text (rating))
    g_ptr_array_add (parts, g_strdup (rating));

  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
update_genres (KzTitlePage *self)
{
  const char * const *genres = self->entry ? kz_entry_get_genres (self->entry) : NULL;
  GtkWidget *child;
  guint n = 0;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->genres_box))) != NULL)
    gtk_flow_box_remove (self->genres_box, child);

  for (guint i = 0; genres != NULL && genres[i] != NULL; i++)
    {
      GtkWidget *pill;
      GtkWidget *label;

      if (!has_text (genres[i]))
        continue;

      label = gtk_label_new (genres[i]);
      gtk_widget_set_margin_start (label, 10);
      gtk_widget_set_margin_end (label, 10);
      gtk_widget_set_margin_top (label, 3);
      gtk_widget_set_margin_bottom (label, 3);
      gtk_widget_add_css_class (label, "caption");

      /* libadwaita styles .pill only on buttons; a card reads as one. */
      pill = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
      gtk_widget_set_halign (pill, GTK_ALIGN_START);
      gtk_widget_add_css_class (pill, "card");
      gtk_widget_add_css_class (pill, "pill");
      gtk_widget_add_css_class (pill, "genre");
      gtk_box_append (GTK_BOX (pill), label);

      gtk_flow_box_append (self->genres_box, pill);
      gtk_widget_set_focusable (gtk_widget_get_parent (pill), FALSE);
      n++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->genres_box), n > 0);
}

static void
update_site_button (KzTitlePage *self)
{
  const char *url = self->entry ? kz_entry_get_site_url (self->entry) : NULL;
  const char *scheme = url ? g_uri_peek_scheme (url) : NULL;
  gboolean usable;

  /* Only ever hand the desktop a secure web address. */
  usable = scheme != NULL && g_str_equal (scheme, "https") && g_uri_is_valid (url, G_URI_FLAGS_NONE, NULL);

  if (usable)
    gtk_link_button_set_uri (self->site_button, url);
  gtk_widget_set_visible (GTK_WIDGET (self->site_button), usable);
}

static void
update_header (KzTitlePage *self)
{
  g_autofree char *facts = NULL;
  const char *description = NULL;

  kz_cover_image_set_entry (KZ_COVER_IMAGE (self->cover), self->entry);
  gtk_widget_set_visible (GTK_WIDGET (self->header_box), self->entry != NULL);

  update_titles (self);

  if (self->entry != NULL)
    {
      facts = dup_facts (self->entry, self->rating);
      description = kz_entry_get_description (self->entry);
    }
  gtk_label_set_text (self->facts_label, facts ? facts : "");
  gtk_widget_set_visible (GTK_WIDGET (self->facts_label), has_text (facts));

  update_genres (self);
  update_site_button (self);

  gtk_label_set_text (self->description_label, has_text (description) ? description : "");
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), has_text (description));
}

/* Relations */

static KzEntryRow *
row_get_entry_row (GtkListBoxRow *row)
{
  GtkWidget *box = gtk_list_box_row_get_child (row);
  GtkWidget *first = box ? gtk_widget_get_first_child (box) : NULL;

  return KZ_IS_ENTRY_ROW (first) ? KZ_ENTRY_ROW (first) : NULL;
}

static void
on_row_activated (GtkListBox    *list,
                  GtkListBoxRow *row,
                  KzTitlePage   *self)
{
  KzEntryRow *entry_row = row_get_entry_row (row);
  KzEntry *entry = entry_row ? kz_entry_row_get_entry (entry_row) : NULL;

  if (entry == NULL || !gtk_list_box_row_get_activatable (row))
    return;

  g_signal_emit (self, signals[OPEN_TITLE], 0, kz_entry_get_id (entry));
}

static GtkWidget *
create_row (KzTitlePage      *self,
            const KzRelation *relation,
            gboolean          anime)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *entry_row = kz_entry_row_new (self->context);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_widget_set_hexpand (entry_row, TRUE);
  kz_entry_row_set_entry (KZ_ENTRY_ROW (entry_row), relation->target);
  if (!anime)
    kz_entry_row_set_relation (KZ_ENTRY_ROW (entry_row), kz_relation_type_to_label (relation->type));
  gtk_box_append (GTK_BOX (box), entry_row);

  if (anime)
    {
      GtkWidget *arrow = g_object_new (GTK_TYPE_IMAGE,
                                       "icon-name", "go-next-symbolic",
                                       "accessible-role", GTK_ACCESSIBLE_ROLE_PRESENTATION,
                                       NULL);

      gtk_widget_add_css_class (arrow, "dim-label");
      gtk_box_append (GTK_BOX (box), arrow);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), anime);
  gtk_accessible_update_relation (GTK_ACCESSIBLE (row),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, entry_row, NULL,
                                  -1);

  g_ptr_array_add (self->rows, entry_row);

  return row;
}

static int
compare_release (gconstpointer a,
                 gconstpointer b)
{
  const KzRelation *ra = *(const KzRelation * const *) a;
  const KzRelation *rb = *(const KzRelation * const *) b;

  return kz_entry_compare_release (ra->target, rb->target);
}

static GtkWidget *
create_group (KzTitlePage *self,
              const char  *title,
              GPtrArray   *relations,
              gboolean     anime)
{
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *escaped = g_markup_escape_text (title, -1);

  /* The group's heading is markup. */
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), escaped);
  if (!anime)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           _("Manga and novels have no page in Kizuna"));

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  g_signal_connect_object (list, "row-activated", G_CALLBACK (on_row_activated), self, 0);

  g_ptr_array_sort (relations, compare_release);
  for (guint i = 0; i < relations->len; i++)
    gtk_list_box_append (GTK_LIST_BOX (list), create_row (self, g_ptr_array_index (relations, i), anime));

  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), list);

  return group;
}

static void
apply_details (KzTitlePage *self)
{
  if (self->details == NULL)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      KzEntryRow *row = g_ptr_array_index (self->rows, i);
      KzEntry *shown = kz_entry_row_get_entry (row);
      KzEntry *full = kz_franchise_graph_lookup (self->details, kz_entry_get_id (shown));

      if (full != NULL)
        kz_entry_row_set_entry (row, full);
    }
}

static void
rebuild_relations (KzTitlePage *self)
{
  GPtrArray *by_type[KZ_RELATION_N_TYPES] = { NULL };
  g_autoptr(GPtrArray) non_anime = g_ptr_array_new ();
  KzRelationType order[KZ_RELATION_N_TYPES];
  const KzRelation *relations = NULL;
  guint n_relations = 0;
  guint n_types = 0;
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->relations_box))) != NULL)
    gtk_box_remove (self->relations_box, child);
  g_ptr_array_set_size (self->rows, 0);

  if (self->entry != NULL)
    relations = kz_entry_get_relations (self->entry, &n_relations);

  for (guint i = 0; i < n_relations; i++)
    {
      const KzRelation *relation = &relations[i];
      guint type = (guint) relation->type < KZ_RELATION_N_TYPES ? relation->type : KZ_RELATION_UNKNOWN;

      if (self->context != NULL && !kz_context_entry_is_visible (self->context, relation->target))
        continue;

      if (!is_anime (relation->target))
        {
          g_ptr_array_add (non_anime, (gpointer) relation);
          continue;
        }

      if (by_type[type] == NULL)
        {
          by_type[type] = g_ptr_array_new ();
          order[n_types++] = type;
        }
      g_ptr_array_add (by_type[type], (gpointer) relation);
    }

  /* The story line (prequels, sequels) first, whatever order AniList
   * lists the edges in. */
  for (guint i = 1; i < n_types; i++)
    for (guint j = i; j > 0 && kz_relation_type_get_rank (order[j]) < kz_relation_type_get_rank (order[j - 1]); j--)
      {
        KzRelationType swap = order[j];

        order[j] = order[j - 1];
        order[j - 1] = swap;
      }

  for (guint i = 0; i < n_types; i++)
    gtk_box_append (self->relations_box,
                    create_group (self, kz_relation_type_to_label (order[i]), by_type[order[i]], TRUE));

  if (non_anime->len > 0)
    gtk_box_append (self->relations_box,
                    create_group (self, _("Source Material"), non_anime, FALSE));

  for (guint i = 0; i < n_types; i++)
    g_ptr_array_unref (by_type[order[i]]);

  gtk_widget_set_visible (GTK_WIDGET (self->relations_box), self->rows->len > 0);
  apply_details (self);
}

/* Ratings */

static void
rating_done (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(KzTitlePage) self = user_data;
  g_autoptr(KzRatingInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = kz_rating_enricher_enrich_finish (KZ_RATING_ENRICHER (object), result, &error);
  if (info == NULL)
    {
      /* The page is complete without it; nothing to tell the person. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("No age rating: %s", error->message);
      return;
    }

  if (self->entry == NULL || info->entry_id != kz_entry_get_id (self->entry))
    return;

  g_clear_pointer (&self->rating, kz_rating_info_free);
  self->rating = g_steal_pointer (&info);
  update_header (self);
}

static void
request_rating (KzTitlePage *self)
{
  g_cancellable_cancel (self->rating_cancellable);
  g_clear_object (&self->rating_cancellable);
  g_clear_pointer (&self->rating, kz_rating_info_free);
  self->rating_for = 0;

  if (self->ratings == NULL || self->entry == NULL)
    return;

  self->rating_for = kz_entry_get_id (self->entry);
  self->rating_cancellable = g_cancellable_new ();
  kz_rating_enricher_enrich_async (self->ratings, self->entry, KZ_PRIORITY_USER,
                                   self->rating_cancellable, rating_done, g_object_ref (self));
}

static void
neighbours_rated (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  kz_rating_enricher_enrich_many_finish (KZ_RATING_ENRICHER (object), result, &error);
}

/* The neighbours, behind the title's own request: an Rx one leaves the
 * list (see on_rating_changed()). */
static void
request_neighbour_ratings (KzTitlePage *self)
{
  g_autoptr(GPtrArray) entries = NULL;
  guint n_nodes;

  g_cancellable_cancel (self->neighbours_cancellable);
  g_clear_object (&self->neighbours_cancellable);

  if (self->ratings == NULL || self->details == NULL)
    return;

  n_nodes = kz_franchise_graph_get_n_nodes (self->details);
  entries = g_ptr_array_sized_new (n_nodes);
  for (guint i = 0; i < n_nodes; i++)
    {
      KzEntry *node = kz_franchise_graph_get_node (self->details, i);

      if (node != NULL && is_anime (node) && kz_entry_get_id (node) != kz_franchise_graph_get_root_id (self->details))
        g_ptr_array_add (entries, node);
    }

  if (entries->len == 0)
    return;

  self->neighbours_cancellable = g_cancellable_new ();
  kz_rating_enricher_enrich_many_async (self->ratings, entries, KZ_PRIORITY_BACKGROUND,
                                        self->neighbours_cancellable, neighbours_rated, NULL);
}

static void
on_rating_changed (KzTitlePage      *self,
                   gint64            entry_id,
                   KzRatingEnricher *ratings)
{
  if (self->context == NULL || kz_context_get_show_adult (self->context) ||
      !kz_age_rating_is_restricted (kz_rating_enricher_peek_rating (ratings, entry_id)))
    return;

  for (guint i = 0; i < self->rows->len; i++)
    if (kz_entry_get_id (kz_entry_row_get_entry (g_ptr_array_index (self->rows, i))) == entry_id)
      {
        rebuild_relations (self);
        return;
      }
}

static void
on_title_language_changed (KzTitlePage *self)
{
  update_titles (self);
}

static void
on_show_adult_changed (KzTitlePage *self)
{
  rebuild_relations (self);
}

/* The object */

static void
kz_title_page_constructed (GObject *object)
{
  KzTitlePage *self = KZ_TITLE_PAGE (object);

  G_OBJECT_CLASS (kz_title_page_parent_class)->constructed (object);

  self->cover = kz_cover_image_new (self->context, COVER_WIDTH, COVER_HEIGHT);
  gtk_widget_set_valign (self->cover, GTK_ALIGN_START);
  gtk_box_prepend (self->header_box, self->cover);

  if (self->context != NULL)
    {
      g_signal_connect_object (self->context, "notify::title-language",
                               G_CALLBACK (on_title_language_changed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->context, "notify::show-adult",
                               G_CALLBACK (on_show_adult_changed), self, G_CONNECT_SWAPPED);

      g_object_get (self->context, "rating-enricher", &self->ratings, NULL);
      if (self->ratings != NULL)
        g_signal_connect_object (self->ratings, "rating-changed",
                                 G_CALLBACK (on_rating_changed), self, G_CONNECT_SWAPPED);
    }

  update_header (self);
}

static void
kz_title_page_dispose (GObject *object)
{
  KzTitlePage *self = KZ_TITLE_PAGE (object);

  g_cancellable_cancel (self->rating_cancellable);
  g_cancellable_cancel (self->neighbours_cancellable);
  g_clear_object (&self->rating_cancellable);
  g_clear_object (&self->neighbours_cancellable);
  g_clear_pointer (&self->rating, kz_rating_info_free);
  g_clear_object (&self->ratings);

  g_ptr_array_set_size (self->rows, 0);
  gtk_widget_dispose_template (GTK_WIDGET (self), KZ_TYPE_TITLE_PAGE);
  self->cover = NULL;
  g_clear_object (&self->details);
  g_clear_object (&self->entry);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (kz_title_page_parent_class)->dispose (object);
}

static void
kz_title_page_finalize (GObject *object)
{
  KzTitlePage *self = KZ_TITLE_PAGE (object);

  g_ptr_array_unref (self->rows);

  G_OBJECT_CLASS (kz_title_page_parent_class)->finalize (object);
}

static void
kz_title_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  KzTitlePage *self = KZ_TITLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_ENTRY:
      g_value_set_object (value, self->entry);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_title_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  KzTitlePage *self = KZ_TITLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_ENTRY:
      kz_title_page_set_entry (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
kz_title_page_class_init (KzTitlePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = kz_title_page_constructed;
  object_class->dispose = kz_title_page_dispose;
  object_class->finalize = kz_title_page_finalize;
  object_class->get_property = kz_title_page_get_property;
  object_class->set_property = kz_title_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         KZ_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_ENTRY] =
    g_param_spec_object ("entry", NULL, NULL,
                         KZ_TYPE_ENTRY,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * KzTitlePage::open-title:
   * @id: the AniList id of the related title
   *
   * A related anime was activated.
   */
  signals[OPEN_TITLE] =
    g_signal_new ("open-title",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_INT64);

  /* Naming the resource links it in from the static library, and it
   * registers itself. */
  if (kz_ui_get_resource () == NULL)
    g_error ("The user interface resources are missing");

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/kz-title-page.ui");
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, scroller);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, header_box);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, other_titles_label);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, facts_label);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, genres_box);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, site_button);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, description_label);
  gtk_widget_class_bind_template_child (widget_class, KzTitlePage, relations_box);

  gtk_widget_class_set_css_name (widget_class, "titlepage");
}

static void
kz_title_page_init (KzTitlePage *self)
{
  g_type_ensure (ADW_TYPE_CLAMP);
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
}

GtkWidget *
kz_title_page_new (KzContext *context)
{
  g_return_val_if_fail (KZ_IS_CONTEXT (context), NULL);

  return g_object_new (KZ_TYPE_TITLE_PAGE, "context", context, NULL);
}

/* Shows @entry (NULL: nothing) with the relations it lists; details set
 * for another title are dropped. */
void
kz_title_page_set_entry (KzTitlePage *self,
                         KzEntry     *entry)
{
  gint64 shown_id;

  g_return_if_fail (KZ_IS_TITLE_PAGE (self));
  g_return_if_fail (!entry || KZ_IS_ENTRY (entry));

  shown_id = self->entry != NULL ? kz_entry_get_id (self->entry) : 0;
  if (!g_set_object (&self->entry, entry))
    return;

  if (self->details != NULL &&
      (entry == NULL || kz_franchise_graph_get_root_id (self->details) != kz_entry_get_id (entry)))
    {
      g_clear_object (&self->details);
      request_neighbour_ratings (self);
    }

  /* the same title again (a fresher copy) keeps its request */
  if (entry == NULL || self->rating_for != kz_entry_get_id (entry))
    request_rating (self);

  update_header (self);
  rebuild_relations (self);
  /* Another title starts at the top; a fresher copy stays where it was. */
  if (entry == NULL || kz_entry_get_id (entry) != shown_id)
    gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENTRY]);
}

KzEntry *
kz_title_page_get_entry (KzTitlePage *self)
{
  g_return_val_if_fail (KZ_IS_TITLE_PAGE (self), NULL);

  return self->entry;
}

/* @detailed: the entry's depth-1 graph (its neighbours fully fetched);
 * the rows keep their order and show the full entries. NULL goes back
 * to the stubs. A graph for another title is ignored. */
void
kz_title_page_set_details (KzTitlePage      *self,
                           KzFranchiseGraph *detailed)
{
  g_return_if_fail (KZ_IS_TITLE_PAGE (self));
  g_return_if_fail (!detailed || KZ_IS_FRANCHISE_GRAPH (detailed));

  if (detailed != NULL &&
      (self->entry == NULL || kz_franchise_graph_get_root_id (detailed) != kz_entry_get_id (self->entry)))
    {
      g_debug ("Ignoring details of %" G_GINT64_FORMAT ": another title is shown",
               kz_franchise_graph_get_root_id (detailed));
      return;
    }

  if (!g_set_object (&self->details, detailed))
    return;

  request_neighbour_ratings (self);

  if (detailed != NULL)
    {
      apply_details (self);
      return;
    }

  rebuild_relations (self);
}
