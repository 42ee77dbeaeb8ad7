// English → Dutch for the diff between two versions.
export default {
  'Added': 'Toegevoegd',
  'Changed': 'Gewijzigd',
  'Moved on the drawing only': 'Alleen verplaatst op de tekening',
  'Removed': 'Verwijderd',
  'Show on the diagram': 'Toon in het diagram',
};
