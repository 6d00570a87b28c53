/** What every page's header links to: the app and its environments. */
export interface Nav {
  app: string;
  envs: readonly string[];
}
