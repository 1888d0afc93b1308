import { render } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { createMockBackend, type MockBackend } from "../backend/mock";
import { createQueryClient } from "../lib/queryClient";
import type { Screen, ScreenParams } from "../router";

/** Renders the whole app shell against a mock backend, on `screen`. */
export function renderApp(opts: { backend?: MockBackend; screen?: Screen; params?: ScreenParams } = {}) {
  const backend = opts.backend ?? createMockBackend();
  const queryClient = createQueryClient({ retry: false });
  const user = userEvent.setup();
  const utils = render(<App backend={backend} queryClient={queryClient} initialScreen={opts.screen} initialParams={opts.params} />);
  return { ...utils, backend, queryClient, user };
}
