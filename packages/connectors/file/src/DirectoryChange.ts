/** What happened to an entry of a watched directory (Alpakka's `DirectoryChange`). */
export type DirectoryChange = 'creation' | 'modification' | 'deletion';
