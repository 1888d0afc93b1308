import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { selectBackend } from "./backend/select";
import { createQueryClient } from "./lib/queryClient";
import { isScreen } from "./router";
import "./styles.css";

// The preview accepts #candidates etc. to open on a screen (handy for
// screenshots), and #pipeline/<link id> for a link's pipeline; the desktop
// window always opens on the default screen.
const [hash = "", param] = window.location.hash.slice(1).split("/");

void selectBackend().then((backend) => {
  const root = document.getElementById("root");
  if (!root) throw new Error("missing #root");
  createRoot(root).render(
    <StrictMode>
      <App
        backend={backend}
        queryClient={createQueryClient()}
        initialScreen={isScreen(hash) ? hash : undefined}
        initialParams={param ? { linkId: decodeURIComponent(param) } : undefined}
      />
    </StrictMode>,
  );
});
