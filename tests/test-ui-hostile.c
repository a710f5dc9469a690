/* test-ui-hostile.c: titles full of markup are shown as they are
 *
 * Titles and descriptions from a hostile service go through the parser,
 * ingest and the library, then into every widget that shows them: each
 * label shows the very text, with markup off. Covers that claim to be
 * enormous are refused before any pixel is allocated.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "kizuna-core.h"
#include "kz-anilist-parser.h"
#include "kz-context.h"
#include "kz-cover-image.h"
#include "kz-entry-row.h"
#include "kz-franchise-tree.h"
#include "kz-timeline-view.h"
#include "kz-title-page.h"
#include "kz-ui-resources.h"
#include "kz-watch-order.h"

#define ROOT_ID   778001
#define SEQUEL_ID 778002
#define SIDE_ID   778003

/* Every title carries "Kzn", so that a label showing one is found;
 * each would turn red or bold, or fail to parse, as Pango markup. */
#define ROOT_TITLE   "<span foreground=\"red\">Kzn</span> &amp; <b>Bold</b> & AT&T < 3"
#define SEQUEL_TITLE "<b>Kzn 2</b> &lt;i&gt; <i"
#define SIDE_TITLE   "Kzn <big>Side</big> &#60; &"
#define ENGLISH      "<u>Kzn English</u> \xef\xbf\xbd Bell"
#define DESCRIPTION  "Dzn & bold AT&T 1 < 2\nline two"

#define Q(text) "\"" text "\""
#define ROOT_TITLE_JSON "\"<span foreground=\\\"red\\\">Kzn</span> &amp; <b>Bold</b> & AT&T < 3\""

#define NODE(id, romaji, year) \
  "{\"id\": " #id ", \"type\": \"ANIME\", \"format\": \"TV\", \"title\": {\"romaji\": " romaji "}," \
  " \"startDate\": {\"year\": " #year "}}"

#define MEDIA(id, format, year, titles, extra, edges) \
  "{\"id\": " #id ", \"type\": \"ANIME\", \"format\": \"" format "\", \"status\": \"FINISHED\"," \
  " \"episodes\": 12, \"seasonYear\": " #year ", \"startDate\": {\"year\": " #year ", \"month\": 4, \"day\": 1}," \
  " \"title\": " titles ", \"updatedAt\": 1700000000, " extra \
  " \"relations\": {\"edges\": [" edges "]}}"

/* As a service would send them: JSON escapes for the markup's quotes,
 * a bell and a raw byte that is not UTF-8. */
static const char body[] =
  "{\"data\": {\"Page\": {\"media\": ["
  MEDIA (778001, "TV", 2015,
         "{\"romaji\": " ROOT_TITLE_JSON ","
         " \"english\": \"<u>Kzn English</u> \xff Bell\\u0007\"}",
         "\"genres\": [\"<b>Kzn Action</b>\"], \"synonyms\": [\"<i>Kzn Syn</i>\"],"
         " \"description\": \"<span foreground=\\\"red\\\">Dzn</span> &amp; <b>bold</b> AT&T 1 < 2<br>line \\u001btwo\",",
         "{\"relationType\": \"SEQUEL\", \"node\": " NODE (778002, Q ("<b>Kzn 2</b> &lt;i&gt; <i"), 2017) "},"
         "{\"relationType\": \"SIDE_STORY\", \"node\": " NODE (778003, Q ("Kzn <big>Side</big> &#60; &"), 2016) "}")
  ","
  MEDIA (778002, "TV", 2017, "{\"romaji\": \"<b>Kzn 2</b> &lt;i&gt; <i\"}", "",
         "{\"relationType\": \"PREQUEL\", \"node\": " NODE (778001, ROOT_TITLE_JSON, 2015) "}")
  ","
  MEDIA (778003, "OVA", 2016, "{\"romaji\": \"Kzn <big>Side</big> &#60; &\"}", "",
         "{\"relationType\": \"PARENT\", \"node\": " NODE (778001, ROOT_TITLE_JSON, 2015) "}")
  "]}}}";

static KzContext *context;
static GSettings *settings;
static KzEntry *root;
static KzFranchiseGraph *franchise;
static KzFranchiseGraph *detailed;

/* Waiting */

static gboolean
give_up (gpointer user_data)
{
  g_error ("Timed out waiting for %s", (const char *) user_data);
  return G_SOURCE_REMOVE;
}

static void
store_result (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static GAsyncResult *
await (GAsyncResult **slot,
       const char    *what)
{
  guint timeout = g_timeout_add_seconds (20, give_up, (gpointer) what);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);

  return *slot;
}

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

/* Waits until @window has laid out and drawn what changed. */
static void
wait_for_frame (GtkWindow *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  gboolean painted = FALSE;
  guint timeout;
  gulong handler;

  g_assert_nonnull (clock);
  handler = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (GTK_WIDGET (window));
  timeout = g_timeout_add_seconds (20, give_up, (gpointer) "a frame");
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout);
  g_signal_handler_disconnect (clock, handler);

  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
}

static GtkWindow *
show_in_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());

  gtk_window_set_default_size (window, 1000, 700);
  gtk_window_set_child (window, child);
  gtk_window_present (window);
  wait_for_frame (window);

  return window;
}

/* Labels */

static void
collect_descendants (GtkWidget *widget,
                     GType      type,
                     GPtrArray *out)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (G_TYPE_CHECK_INSTANCE_TYPE (child, type))
        g_ptr_array_add (out, child);
      collect_descendants (child, type, out);
    }
}

static gboolean
shows_network_text (const char *text)
{
  return strstr (text, "Kzn") != NULL || strstr (text, "Dzn") != NULL;
}

/* Every label under @widget that shows a title or description has
 * markup off and shows its text unchanged; returns their texts. */
static GPtrArray *
network_labels (GtkWidget *widget)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GPtrArray *texts = g_ptr_array_new ();

  collect_descendants (widget, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);
      const char *text = gtk_label_get_text (label);

      if (!shows_network_text (text))
        continue;

      g_test_message ("label: %s", text);
      g_assert_false (gtk_label_get_use_markup (label));
      g_assert_cmpstr (gtk_label_get_label (label), ==, text);
      g_ptr_array_add (texts, (gpointer) text);
    }

  return texts;
}

static gboolean
has_text (GPtrArray  *texts,
          const char *text)
{
  for (guint i = 0; i < texts->len; i++)
    if (g_str_equal (g_ptr_array_index (texts, i), text))
      return TRUE;

  return FALSE;
}

/* The titles of every KzEntryRow under @widget, which must be in
 * @expected, and all of them there. */
static void
assert_row_titles (GtkWidget          *widget,
                   const char * const *expected)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(GPtrArray) texts = network_labels (widget);
  guint n_expected = g_strv_length ((char **) expected);

  collect_descendants (widget, KZ_TYPE_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, ==, n_expected);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *title = kz_entry_row_get_title (g_ptr_array_index (rows, i));

      g_assert_true (g_strv_contains (expected, title));
      g_assert_true (has_text (texts, title));
    }
  for (guint i = 0; i < n_expected; i++)
    g_assert_true (has_text (texts, expected[i]));
}

/* The test data */

static void
load_data (void)
{
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GAsyncResult) franchise_result = NULL;
  g_autoptr(GAsyncResult) detailed_result = NULL;
  g_autoptr(GError) error = NULL;
  KzRelationsService *service = kz_context_get_service (context);
  KzStore *store = kz_relations_service_get_store (service);
  KzFranchiseOptions options;

  entries = kz_anilist_parse_response (200, body, strlen (body), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entries->len, ==, 3);
  kz_ingest_normalise (entries, NULL);
  g_assert_true (kz_store_upsert_entries (store, entries, g_get_real_time (), &error));
  g_assert_no_error (error);

  kz_context_get_franchise_options (context, &options);
  kz_relations_service_get_franchise_async (service, ROOT_ID, &options, KZ_FETCH_OFFLINE,
                                            NULL, NULL, NULL, store_result, &franchise_result);
  franchise = kz_relations_service_get_franchise_finish (service, await (&franchise_result, "the franchise"),
                                                         NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kz_franchise_graph_get_n_nodes (franchise), ==, 3);

  kz_relations_service_get_detailed_async (service, ROOT_ID, KZ_FETCH_OFFLINE, NULL,
                                           store_result, &detailed_result);
  detailed = kz_relations_service_get_detailed_finish (service, await (&detailed_result, "the details"),
                                                       NULL, &error);
  g_assert_no_error (error);

  root = g_object_ref (kz_franchise_graph_get_root (detailed));
  g_assert_cmpstr (kz_entry_get_title_romaji (root), ==, ROOT_TITLE);
  g_assert_cmpstr (kz_entry_get_title_english (root), ==, ENGLISH);
  g_assert_cmpstr (kz_entry_get_description (root), ==, DESCRIPTION);
}

/* Widgets */

static void
test_entry_row (void)
{
  GtkWidget *row = g_object_ref_sink (kz_entry_row_new (context));
  g_autoptr(GPtrArray) texts = NULL;

  kz_entry_row_set_entry (KZ_ENTRY_ROW (row), root);
  kz_entry_row_set_relation (KZ_ENTRY_ROW (row), "Sequel");

  g_assert_cmpstr (kz_entry_row_get_title (KZ_ENTRY_ROW (row)), ==, ROOT_TITLE);
  texts = network_labels (row);
  g_assert_cmpuint (texts->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (texts, 0), ==, ROOT_TITLE);

  g_object_unref (row);
}

static void
test_title_page (void)
{
  GtkWidget *page = kz_title_page_new (context);
  GtkWindow *window = show_in_window (page);
  g_autoptr(GPtrArray) texts = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  kz_title_page_set_entry (KZ_TITLE_PAGE (page), root);
  kz_title_page_set_details (KZ_TITLE_PAGE (page), detailed);
  wait_for_frame (window);

  texts = network_labels (page);
  g_assert_true (has_text (texts, ROOT_TITLE));
  g_assert_true (has_text (texts, ENGLISH));
  g_assert_true (has_text (texts, DESCRIPTION));
  g_assert_true (has_text (texts, "<b>Kzn Action</b>"));

  /* The related titles, in rows of their own */
  collect_descendants (page, KZ_TYPE_ENTRY_ROW, rows);
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_true (has_text (texts, SEQUEL_TITLE));
  g_assert_true (has_text (texts, SIDE_TITLE));

  gtk_window_destroy (window);
}

static void
test_tree (void)
{
  GtkWidget *tree = kz_franchise_tree_new (context);
  GtkWindow *window = show_in_window (tree);

  kz_franchise_tree_set_graph (KZ_FRANCHISE_TREE (tree), franchise);
  wait_for_frame (window);
  g_assert_cmpuint (kz_franchise_tree_get_n_rows (KZ_FRANCHISE_TREE (tree)), ==, 3);
  assert_row_titles (tree, (const char * const[]) { ROOT_TITLE, SEQUEL_TITLE, SIDE_TITLE, NULL });

  gtk_window_destroy (window);
}

static void
test_watch_order (void)
{
  GtkWidget *order = kz_watch_order_new (context);
  GtkWindow *window = show_in_window (order);

  kz_watch_order_set_main_story (KZ_WATCH_ORDER (order), FALSE);
  kz_watch_order_set_graph (KZ_WATCH_ORDER (order), franchise);
  wait_for_frame (window);
  assert_row_titles (order, (const char * const[]) { ROOT_TITLE, SEQUEL_TITLE, SIDE_TITLE, NULL });

  gtk_window_destroy (window);
}

/* GtkTooltip keeps its window to itself: the window is caught as it is
 * made, to read the label the tooltip text went into. */
static GtkWidget *tooltip_window;
static void (*tooltip_window_constructed) (GObject *object);

static void
catch_tooltip_window (GObject *object)
{
  tooltip_window_constructed (object);
  g_set_weak_pointer (&tooltip_window, GTK_WIDGET (object));
}

static GtkTooltip *
new_tooltip (void)
{
  g_autoptr(GtkTooltip) first = g_object_new (GTK_TYPE_TOOLTIP, NULL);
  GType window_type = g_type_from_name ("GtkTooltipWindow");
  GObjectClass *window_class;
  GtkTooltip *tooltip;

  /* The first tooltip registered the window's type */
  g_assert_true (window_type != 0);
  window_class = g_type_class_ref (window_type);
  tooltip_window_constructed = window_class->constructed;
  window_class->constructed = catch_tooltip_window;

  tooltip = g_object_new (GTK_TYPE_TOOLTIP, NULL);

  window_class->constructed = tooltip_window_constructed;
  g_type_class_unref (window_class);
  g_assert_nonnull (tooltip_window);

  return tooltip;
}

static void
test_timeline_tooltip (void)
{
  GtkWidget *view = kz_timeline_view_new (context);
  GtkWindow *window = show_in_window (view);
  KzTimeline *timeline = kz_timeline_view_get_timeline (KZ_TIMELINE_VIEW (view));
  g_autoptr(GtkTooltip) tooltip = new_tooltip ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();
  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  graphene_rect_t rect;
  gboolean handled = FALSE;
  guint n_shown = 0;
  int index = -1;
  int x, y;

  kz_timeline_view_set_graph (KZ_TIMELINE_VIEW (view), franchise);
  wait_for_frame (window);

  g_assert_cmpuint (kz_timeline_get_n_items (timeline), ==, 3);
  for (guint i = 0; i < kz_timeline_get_n_items (timeline); i++)
    if (kz_timeline_get_item_id (timeline, i) == ROOT_ID)
      index = i;
  g_assert_cmpint (index, >=, 0);
  g_assert_true (kz_timeline_get_item_rect (timeline, index, &rect));

  hadjustment = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (timeline));
  vadjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (timeline));
  x = rect.origin.x + rect.size.width / 2 - (hadjustment ? gtk_adjustment_get_value (hadjustment) : 0);
  y = rect.origin.y + rect.size.height / 2 - (vadjustment ? gtk_adjustment_get_value (vadjustment) : 0);

  g_signal_emit_by_name (timeline, "query-tooltip", x, y, FALSE, tooltip, &handled);
  g_assert_true (handled);

  /* The title on its own line, as it is, then its format and date */
  collect_descendants (tooltip_window, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (labels, i);

      if (!gtk_widget_get_visible (GTK_WIDGET (label)))
        continue;
      n_shown++;
      g_test_message ("tooltip: %s", gtk_label_get_text (label));
      g_assert_false (gtk_label_get_use_markup (label));
      g_assert_true (g_str_has_prefix (gtk_label_get_text (label), ROOT_TITLE "\n"));
      g_assert_cmpstr (gtk_label_get_label (label), ==, gtk_label_get_text (label));
    }
  g_assert_cmpuint (n_shown, ==, 1);

  gtk_window_destroy (window);
}

/* Covers that claim to be huge */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (guint bit = 0; bit < 8; bit++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }

  return ~crc;
}

static void
append_chunk (GByteArray   *png,
              const char   *type,
              const guint8 *data,
              guint32       length)
{
  guint32 be_length = GUINT32_TO_BE (length);
  guint32 crc;

  g_byte_array_append (png, (const guint8 *) &be_length, 4);
  g_byte_array_append (png, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (png, data, length);

  crc = crc32_update (0, (const guint8 *) type, 4);
  crc = crc32_update (crc, data, length);
  crc = GUINT32_TO_BE (crc);
  g_byte_array_append (png, (const guint8 *) &crc, 4);
}

/* A well-formed PNG header declaring @width×@height pixels of RGBA,
 * with a few bytes of image data: a few hundred bytes in all. */
static GBytes *
png_claiming (guint32 width,
              guint32 height)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 idat[] = { 0x78, 0x9c, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01 };
  GByteArray *png = g_byte_array_new ();
  guint8 ihdr[13] = { 0 };
  guint32 be;

  be = GUINT32_TO_BE (width);
  memcpy (ihdr, &be, 4);
  be = GUINT32_TO_BE (height);
  memcpy (ihdr + 4, &be, 4);
  ihdr[8] = 8;   /* bits per sample */
  ihdr[9] = 6;   /* RGBA */

  g_byte_array_append (png, signature, sizeof signature);
  append_chunk (png, "IHDR", ihdr, sizeof ihdr);
  append_chunk (png, "IDAT", idat, sizeof idat);
  append_chunk (png, "IEND", NULL, 0);

  return g_byte_array_free_to_bytes (png);
}

/* Refused on the header alone: 100000×100000 RGBA would be 40 GB. The
 * error is the size check's own, not a failed allocation's. */
static void
test_cover_pixel_cap (void)
{
  const guint32 sizes[][2] = {
    { 100000, 100000 },
    { KZ_COVER_IMAGE_MAX_SOURCE_SIZE + 1, KZ_COVER_IMAGE_MAX_SOURCE_SIZE + 1 },
    { 1, 100000 },
    { 100000, 1 },
  };
  g_autofree char *limit = g_strdup_printf ("%d×%d", KZ_COVER_IMAGE_MAX_SOURCE_SIZE,
                                            KZ_COVER_IMAGE_MAX_SOURCE_SIZE);

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      g_autoptr(GBytes) png = png_claiming (sizes[i][0], sizes[i][1]);
      g_autoptr(GdkTexture) texture = NULL;
      g_autoptr(GError) error = NULL;

      g_assert_cmpuint (g_bytes_get_size (png), <, 100);
      texture = kz_cover_image_decode (png, 40, 56, NULL, &error);
      g_test_message ("%u×%u: %s", sizes[i][0], sizes[i][1], error ? error->message : "decoded");
      g_assert_null (texture);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, limit));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *data_dir = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  int status;

  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* Without a session bus GTK warns that it cannot reach the
   * accessibility bus, which these tests do not use. */
  if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    return 77;
  adw_init ();
  /* A label given markup it cannot parse only warns: that is a failure. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);

  g_assert_nonnull (kz_ui_get_resource ());

  data_dir = g_dir_make_tmp ("kizuna-ui-hostile-XXXXXX", &error);
  g_assert_no_error (error);
  settings = g_settings_new ("io.github.kizuna.Kizuna");
  kz_context_new_async (settings, data_dir, "http://127.0.0.1:9/", NULL, store_result, &result);
  context = kz_context_new_finish (await (&result, "the library"), &error);
  g_assert_no_error (error);
  load_data ();

  g_test_add_func ("/kz/ui/hostile/entry-row", test_entry_row);
  g_test_add_func ("/kz/ui/hostile/title-page", test_title_page);
  g_test_add_func ("/kz/ui/hostile/franchise-tree", test_tree);
  g_test_add_func ("/kz/ui/hostile/watch-order", test_watch_order);
  g_test_add_func ("/kz/ui/hostile/timeline-tooltip", test_timeline_tooltip);
  g_test_add_func ("/kz/ui/hostile/cover-pixel-cap", test_cover_pixel_cap);

  status = g_test_run ();

  g_clear_object (&root);
  g_clear_object (&franchise);
  g_clear_object (&detailed);
  g_clear_object (&context);
  g_clear_object (&settings);

  {
    g_autofree char *db = g_build_filename (data_dir, "library.db", NULL);
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
    g_unlink (db);
    g_rmdir (data_dir);
  }

  return status;
}
