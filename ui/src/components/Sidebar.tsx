import { navScreenOf, SCREENS, SCREEN_TITLES, useRouter } from "../router";
import { Icon } from "./Icon";

export function Sidebar() {
  const { screen, navigate } = useRouter();
  const current = navScreenOf(screen);
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">
        <span className="brand__mark" aria-hidden="true">
          R
        </span>
        <span className="brand__name">Reqlink</span>
      </div>
      <ul className="nav">
        {SCREENS.map((s) => (
          <li key={s}>
            <button
              type="button"
              className="nav__item"
              data-testid={`nav-${s}`}
              aria-current={s === current ? "page" : undefined}
              onClick={() => navigate(s)}
            >
              <Icon name={s} />
              {SCREEN_TITLES[s]}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
