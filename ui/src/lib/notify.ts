// Desktop notifications through the web Notification API, only where the
// webview has it and the user allowed it. Nothing here may throw: a missing
// notification must never break the in-app flow.

function api(): typeof Notification | null {
  return typeof window !== "undefined" && "Notification" in window ? window.Notification : null;
}

/** Shows a notification when permitted; false when it could not. */
export function notifyDesktop(title: string, body: string): boolean {
  const N = api();
  if (!N || N.permission !== "granted") return false;
  try {
    new N(title, { body });
    return true;
  } catch {
    return false;
  }
}

/** Asks once, from a user gesture, whether notifications may be shown. */
export function askNotificationPermission(): void {
  const N = api();
  if (!N || N.permission !== "default") return;
  try {
    const answer: unknown = N.requestPermission();
    if (answer instanceof Promise) answer.catch(() => undefined);
  } catch {
    // Older webviews without the promise form, or a denied prompt: no notification.
  }
}
