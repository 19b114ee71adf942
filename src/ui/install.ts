/**
 * Attaches the web UI to every SparkContext and StreamingContext the application starts,
 * through core's and streaming's plugin registries (core never imports the UI). Imported for
 * its effect by the public API module.
 */
import { SparkContext, sparkContextPlugins } from "../core/SparkContext.js";
import { streamingContextPlugins } from "../streaming/streamingContextPlugins.js";
import { SparkUI } from "./SparkUI.js";
import { uiSettings } from "./UiSettings.js";
import { reportBatches, reportUiAddress } from "./progress/ProgressReporter.js";

declare module "../core/SparkContext.js" {
  interface SparkContext {
    /** The web UI's address ("http://127.0.0.1:4040") once it listens; undefined while it binds or when spark.ui.enabled=false. */
    readonly uiWebUrl: string | undefined;
  }
}

Object.defineProperty(SparkContext.prototype, "uiWebUrl", {
  configurable: true,
  get(this: SparkContext): string | undefined {
    return SparkUI.get(this)?.webUrl;
  },
});

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  sparkContextPlugins.register((sc) => {
    const settings = uiSettings(sc.conf);
    if (!settings.enabled) return undefined;
    const ui = new SparkUI(sc, settings);
    return { shutdown: () => ui.stop() };
  });
  sparkContextPlugins.register(reportUiAddress);
  streamingContextPlugins.register((ssc) => {
    const ui = SparkUI.get(ssc.sparkContext);
    if (!ui) return undefined;
    return { shutdown: ui.attachStreaming(ssc) };
  });
  streamingContextPlugins.register(reportBatches);
}

install();
